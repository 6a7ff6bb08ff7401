package io.wanvideo.gateway.storage.s3;

import io.wanvideo.gateway.storage.HttpSource;
import io.wanvideo.gateway.storage.ObjectStore;
import io.wanvideo.gateway.storage.ObjectStoreException;
import io.wanvideo.gateway.storage.PresignedUrl;
import io.wanvideo.gateway.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/**
 * {@link ObjectStore} on one S3 bucket (or anything speaking S3: S3Proxy, LocalStack). A copy is streamed in
 * parts: a source that fits in one part is one PutObject, a larger or open-ended one a multipart upload that
 * is aborted if anything goes wrong, so a failed copy never leaves a partial object.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    /**
     * S3's smallest part (but the last) is 5 MiB; 8 MiB keeps a copy's memory at one part while a 1 GB video
     * still takes only 128 parts.
     */
    public static final int PART_SIZE = 8 * 1024 * 1024;
    /** S3's limits: at most 1000 keys per DeleteObjects, and a SigV4 presigned URL lives at most 7 days. */
    static final int DELETE_BATCH = 1000;
    static final Duration MAX_PRESIGN_TTL = Duration.ofDays(7);
    /** How long a copy that ran out of time is given to abort its upload before copyFrom returns anyway. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final HttpSource sources;
    private final ExecutorService copies;

    public S3ObjectStore(S3Client s3, S3Presigner presigner, String bucket, HttpSource sources) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.sources = sources;
        // A copy runs on a thread of its own so that a stalled source can be cut off at the deadline by
        // interrupting that thread, never the caller's.
        this.copies = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "object-copy");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("storing " + key, e);
        }
    }

    @Override
    public StoredObject copyFrom(URI source, String key, Duration limit) {
        Copy copy = new Copy(source, key, System.nanoTime() + limit.toNanos());
        Future<StoredObject> result = copies.submit(copy);
        try {
            return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ObjectStoreException failure) {
                throw failure;
            }
            throw ObjectStoreException.transientFailure("copying " + HttpSource.describe(source) + " to " + key + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            copy.stop(result);
            throw ObjectStoreException.transientFailure(
                    "copying " + HttpSource.describe(source) + " to " + key + " took longer than " + limit, null);
        } catch (InterruptedException e) {
            copy.stop(result);
            Thread.currentThread().interrupt();
            throw ObjectStoreException.transientFailure("interrupted while copying " + HttpSource.describe(source), e);
        }
    }

    @Override
    public PresignedUrl presignGet(String key, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_PRESIGN_TTL) > 0) {
            throw new IllegalArgumentException("a presigned URL lives more than 0 s and at most 7 days, not " + ttl);
        }
        try {
            PresignedGetObjectRequest presigned = presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(bucket).key(key)));
            return new PresignedUrl(URI.create(presigned.url().toString()), presigned.expiration());
        } catch (SdkException e) {
            // Signing calls nobody: what fails here is finding credentials, which retrying will not fix.
            throw ObjectStoreException.permanent("cannot presign " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(keys));
        for (int from = 0; from < unique.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = unique.subList(from, Math.min(unique.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse response;
            try {
                // Quiet: S3 reports only the keys it could not delete; a key that is not there counts as deleted.
                response = s3.deleteObjects(d -> d.bucket(bucket).delete(x -> x.objects(batch).quiet(true)));
            } catch (SdkException e) {
                throw failure("deleting " + batch.size() + " objects", e);
            }
            if (response.hasErrors() && !response.errors().isEmpty()) {
                S3Error first = response.errors().get(0);
                String message = "could not delete " + response.errors().size() + " of " + batch.size() + " objects, first "
                        + first.key() + ": " + first.code() + " " + first.message();
                boolean retryable = response.errors().stream().anyMatch(err -> retryableCode(err.code()));
                throw retryable ? ObjectStoreException.transientFailure(message, null) : ObjectStoreException.permanent(message, null);
            }
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            s3.headObject(h -> h.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                // HEAD answers have no body, so a missing key can arrive as a bare 404 rather than NoSuchKey.
                return false;
            }
            throw failure("looking up " + key, e);
        } catch (SdkException e) {
            throw failure("looking up " + key, e);
        }
    }

    @Override
    public void close() {
        copies.shutdownNow();
        presigner.close();
        s3.close();
    }

    /** One copy, run on a thread of the copy pool; {@link #stop} ends it from the caller's thread. */
    private final class Copy implements Callable<StoredObject> {
        private final URI source;
        private final String key;
        private final long deadlineNanos;
        private final AtomicBoolean started = new AtomicBoolean();
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile boolean stopped;
        private volatile HttpSource.Body body;

        Copy(URI source, String key, long deadlineNanos) {
            this.source = source;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public StoredObject call() throws Exception {
            started.set(true);
            try {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime()));
                try (HttpSource.Body opened = sources.open(source, left)) {
                    body = opened;
                    if (stopped) {
                        throw new InterruptedException("stopped");
                    }
                    return upload(opened);
                }
            } finally {
                finished.countDown();
            }
        }

        /**
         * Out of time: closing the body wakes a read blocked on a stalled source, the interrupt wakes a blocked
         * S3 call; the copy then aborts its upload, which is waited for briefly.
         */
        void stop(Future<?> result) {
            stopped = true;
            result.cancel(true);
            HttpSource.Body open = body;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException | RuntimeException ignored) {
                    // closing is only a wake-up call
                }
            }
            if (started.get()) {
                try {
                    finished.await(ABORT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private StoredObject upload(HttpSource.Body body) throws InterruptedException {
            long expected = body.length();
            // A source that says it is small needs no part-sized buffer.
            byte[] buffer = new byte[expected >= 0 && expected < PART_SIZE ? (int) expected : PART_SIZE];
            int filled = read(body.stream(), buffer);
            if (filled < PART_SIZE) {
                // It all fits in one part: one request, and nothing to clean up if it fails.
                checkLength(expected, filled);
                try {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType(body.contentType()).contentLength((long) filled),
                            bytes(buffer, filled, body.contentType()));
                } catch (SdkException e) {
                    throw failure("storing " + key, e);
                }
                return new StoredObject(key, filled, body.contentType());
            }
            return uploadInParts(body, buffer, filled);
        }

        private StoredObject uploadInParts(HttpSource.Body body, byte[] buffer, int firstPart) throws InterruptedException {
            String uploadId;
            try {
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(body.contentType())).uploadId();
            } catch (SdkException e) {
                throw failure("starting the upload of " + key, e);
            }
            try {
                List<CompletedPart> parts = new ArrayList<>();
                long total = 0;
                for (int filled = firstPart; filled > 0; filled = read(body.stream(), buffer)) {
                    if (stopped || Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("stopped");
                    }
                    int number = parts.size() + 1;
                    long size = filled;
                    // The SDK's default checksum (CRC32 against S3) lets S3 check each part as it arrives.
                    UploadPartResponse part = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                            .contentLength(size), bytes(buffer, filled, null));
                    parts.add(CompletedPart.builder().partNumber(number).eTag(part.eTag()).build());
                    total += filled;
                    if (filled < PART_SIZE) {
                        break;
                    }
                }
                checkLength(body.length(), total);
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
                return new StoredObject(key, total, body.contentType());
            } catch (SdkException e) {
                abort(uploadId, e);
                throw failure("uploading " + key, e);
            } catch (RuntimeException | InterruptedException e) {
                abort(uploadId, e);
                throw e;
            }
        }

        /** Fills the buffer, or reads up to the end of the source; a failed read is a broken download. */
        private int read(InputStream in, byte[] buffer) {
            try {
                return in.readNBytes(buffer, 0, buffer.length);
            } catch (IOException e) {
                String why = stopped ? "stopped at the deadline" : e.toString();
                throw ObjectStoreException.transientFailure("reading " + HttpSource.describe(source) + " failed: " + why, e);
            }
        }

        private void checkLength(long expected, long got) {
            if (expected >= 0 && got != expected) {
                throw ObjectStoreException.transientFailure(HttpSource.describe(source) + " ended after " + got + " of its "
                        + expected + " bytes", null);
            }
        }

        private void abort(String uploadId, Throwable failure) {
            boolean interrupted = false;
            // A stopped copy's thread is interrupted, and the SDK refuses to send a request on an interrupted thread;
            // the interrupt may also land after the copy gave up for another reason, so a second try follows.
            for (int attempt = 1; attempt <= 2; attempt++) {
                interrupted |= Thread.interrupted();
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .overrideConfiguration(o -> o.apiCallTimeout(ABORT_GRACE)));
                    break;
                } catch (SdkException e) {
                    // After that, the bucket's lifecycle rule for incomplete uploads is the backstop.
                    failure.addSuppressed(e);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The buffer's first {@code length} bytes, readable again if the SDK retries the request. */
    private static RequestBody bytes(byte[] buffer, int length, String contentType) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                contentType == null ? "application/octet-stream" : contentType);
    }

    /** After the SDK's own retries: throttling, timeouts and 5xx may pass; other refusals (403, 404 bucket) will not. */
    static ObjectStoreException failure(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            int status = service.statusCode();
            String message = what + " failed: HTTP " + status + (code == null ? "" : " " + code);
            boolean retryable = status >= 500 || status == 408 || status == 429 || service.isThrottlingException()
                    || retryableCode(code);
            return retryable ? ObjectStoreException.transientFailure(message, e) : ObjectStoreException.permanent(message, e);
        }
        // No answer: a connection refused or reset, a timeout, an interrupted call.
        return ObjectStoreException.transientFailure(what + " failed: " + e.getMessage(), e);
    }

    private static boolean retryableCode(String code) {
        return code != null && switch (code) {
            case "RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
                    "RequestTimeTooSkewed" -> true;
            default -> false;
        };
    }
}
