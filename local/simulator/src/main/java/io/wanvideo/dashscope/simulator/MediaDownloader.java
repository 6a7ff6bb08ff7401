package io.wanvideo.dashscope.simulator;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;

/**
 * Receives a create's media as DashScope does, by downloading it, so a gateway that hands over a URL nobody can
 * read is caught here rather than in production. Only loopback URLs are fetched (127.0.0.1, localhost, [::1]):
 * anything else (example.com in tests) is recorded as not fetched, and the simulator never reaches the network.
 * {@code data:} URIs are decoded. Redirects are not followed.
 *
 * <p>A failed download refuses the create with what DashScope's error-code page lists for a media file its
 * servers could not download (400 InvalidParameter; a timeout is InvalidParameter.DataInspection), followed
 * by what actually happened.
 */
final class MediaDownloader {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(10);
    private static final long MB = 1024 * 1024;

    private final Duration downloadTimeout;
    private HttpClient http;
    private final ToLongFunction<String> capForType;

    MediaDownloader() {
        this(DOWNLOAD_TIMEOUT, MediaDownloader::documentedCap);
    }

    MediaDownloader(Duration downloadTimeout, ToLongFunction<String> capForType) {
        this.downloadTimeout = downloadTimeout;
        this.capForType = capForType;
    }

    /** The size limits of spec/upstream.md: images 20 MB, videos 100 MB, audio 15 MB. */
    static long documentedCap(String type) {
        return switch (type) {
            case "reference_video", "first_clip" -> 100 * MB;
            case "reference_voice", "driving_audio" -> 15 * MB;
            default -> 20 * MB;
        };
    }

    List<MediaReceipt> receive(List<CreateRules.MediaInput> inputs) {
        List<MediaReceipt> receipts = new ArrayList<>();
        for (CreateRules.MediaInput input : inputs) {
            receipts.add(receive(input));
        }
        return receipts;
    }

    MediaReceipt receive(CreateRules.MediaInput input) {
        String url = input.url();
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            byte[] bytes = decode(input);
            checkSize(input, bytes.length);
            return new MediaReceipt(input.field(), input.type(), shorten(url), MediaReceipt.DATA_URI, (long) bytes.length,
                    sha256(bytes));
        }
        if (!isLoopback(url)) {
            return new MediaReceipt(input.field(), input.type(), url, MediaReceipt.NOT_FETCHED, null, null);
        }
        Digest digest = download(input);
        return new MediaReceipt(input.field(), input.type(), url, MediaReceipt.DOWNLOADED, digest.bytes(), digest.sha256());
    }

    static boolean isLoopback(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https"))
                && (host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                        || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
    }

    private record Digest(long bytes, String sha256, boolean tooLarge) {}

    private Digest download(CreateRules.MediaInput input) {
        long cap = capForType.applyAsLong(input.type());
        HttpRequest request = HttpRequest.newBuilder(URI.create(input.url())).timeout(downloadTimeout).GET().build();
        HttpResponse.BodyHandler<Digest> body = info -> info.statusCode() / 100 == 2
                ? new DigestingBody(cap) : HttpResponse.BodySubscribers.<Digest>replacing(null);
        CompletableFuture<HttpResponse<Digest>> call = client().sendAsync(request, body);
        HttpResponse<Digest> response;
        try {
            // The request timeout covers the headers only; this bounds the whole transfer.
            response = call.get(downloadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw timedOut(input);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(input, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                throw timedOut(input);
            }
            throw unreachable(input, cause instanceof ConnectException ? "connection refused" : String.valueOf(cause));
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new Refusal(400, "InvalidParameter",
                    "Don't have authorization to access the media resource during the data inspection process. ("
                            + where(input) + " answered HTTP " + status + ")");
        }
        if (status / 100 != 2) {
            throw new Refusal(400, "InvalidParameter",
                    "Failed to find the requested media resource during the data inspection process. ("
                            + where(input) + " answered HTTP " + status + ")");
        }
        Digest digest = response.body();
        if (digest.tooLarge()) {
            throw tooLarge(input, cap);
        }
        return digest;
    }

    /** Made on first use: most simulators never see a loopback URL, and a client holds a thread. */
    private synchronized HttpClient client() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** Digests the body as it streams in and gives up once it passes the cap, so nothing large is held. */
    private static final class DigestingBody implements HttpResponse.BodySubscriber<Digest> {
        private final CompletableFuture<Digest> result = new CompletableFuture<>();
        private final MessageDigest sha = newSha256();
        private final long cap;
        private long size;
        private Flow.Subscription subscription;

        DigestingBody(long cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<Digest> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                size += item.remaining();
                if (size > cap) {
                    subscription.cancel();
                    result.complete(new Digest(size, null, true));
                    return;
                }
                sha.update(item);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Digest(size, HexFormat.of().formatHex(sha.digest()), false));
        }
    }

    private byte[] decode(CreateRules.MediaInput input) {
        String url = input.url();
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw malformedDataUri(input);
        }
        String header = url.substring(5, comma).toLowerCase(Locale.ROOT);
        String payload = url.substring(comma + 1);
        try {
            return header.endsWith(";base64")
                    ? Base64.getMimeDecoder().decode(payload)
                    : URLDecoder.decode(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformedDataUri(input);
        }
    }

    private void checkSize(CreateRules.MediaInput input, long size) {
        long cap = capForType.applyAsLong(input.type());
        if (size > cap) {
            throw tooLarge(input, cap);
        }
    }

    private static Refusal unreachable(CreateRules.MediaInput input, String reason) {
        return new Refusal(400, "InvalidParameter",
                "Unable to download the media resource during the data inspection process. (" + where(input) + ": " + reason + ")");
    }

    private static Refusal timedOut(CreateRules.MediaInput input) {
        return new Refusal(400, "InvalidParameter.DataInspection",
                "Download the media resource timed out during the data inspection process. (" + where(input) + ")");
    }

    private static Refusal tooLarge(CreateRules.MediaInput input, long cap) {
        return new Refusal(400, "InvalidParameter", "Multimodal file size is too large. (" + where(input) + ": more than "
                + cap + " bytes, the limit for " + input.type() + ")");
    }

    private static Refusal malformedDataUri(CreateRules.MediaInput input) {
        return new Refusal(400, "InvalidParameter", "The provided URL does not appear to be valid. Ensure it is correctly"
                + " formatted. (" + input.field() + " is not a decodable data URI)");
    }

    private static String where(CreateRules.MediaInput input) {
        return input.field() + " " + shorten(input.url());
    }

    /** A data URI can run to megabytes; keep its header and length. */
    private static String shorten(String url) {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            return (comma < 0 ? CreateRules.abbreviate(url) : url.substring(0, comma + 1) + "...")
                    + " (" + url.length() + " chars)";
        }
        return CreateRules.abbreviate(url);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
