package io.wanvideo.gateway.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.storage.ObjectStoreException;
import io.wanvideo.gateway.storage.ObjectStoreException.Kind;
import io.wanvideo.gateway.storage.PresignedUrl;
import io.wanvideo.gateway.storage.SourceServer;
import io.wanvideo.gateway.storage.StoredObject;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.local.embedded.LoopbackPorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 adapter against S3Proxy, copying from a loopback HTTP source. Nothing is mocked. */
class S3ObjectStoreTest {
    private static final int MIB = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final LocalAws aws = LocalAws.get();
    private static SourceServer source;

    private final S3Client s3 = aws.s3();
    private String bucket;
    private S3ObjectStore store;

    @BeforeAll
    static void startSource() throws Exception {
        source = new SourceServer();
    }

    @AfterAll
    static void stopSource() {
        source.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = aws.newBucket();
        store = S3Clients.objectStore(new Env(aws.s3Environment(bucket)));
    }

    @Test
    void storedBytesComeBackThroughAPresignedUrl() throws Exception {
        byte[] image = SourceServer.content(70_000);
        store.put("inputs/t1/0.png", image, "image/png");

        PresignedUrl url = store.presignGet("inputs/t1/0.png", Duration.ofMinutes(10));
        HttpResponse<byte[]> got = get(url.url());

        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(image);
        assertThat(got.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(url.expiresAt()).isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(601));
        assertThat(store.exists("inputs/t1/0.png")).isTrue();
        assertThat(store.exists("inputs/t1/1.png")).isFalse();
    }

    /** One part's worth or less is a single PutObject; more is a multipart upload of 8 MiB parts. */
    @ParameterizedTest(name = "{0} bytes, length known: {1}")
    @CsvSource({"3000000,true,1", "3000000,false,1", "20971520,true,3", "20971520,false,3", "0,true,1"})
    void aCopyStreamsTheSourceByteForByte(int size, boolean lengthKnown, int parts) {
        URI from = lengthKnown ? source.video(size) : source.videoOfUnknownLength(size);

        StoredObject stored = store.copyFrom(from, "results/t2.mp4", Duration.ofSeconds(30));

        assertThat(stored).isEqualTo(new StoredObject("results/t2.mp4", size, "video/mp4"));
        assertThat(s3.getObjectAsBytes(g -> g.bucket(bucket).key("results/t2.mp4")).asByteArray())
                .isEqualTo(SourceServer.content(size));
        // A multipart object's ETag ends in -<number of parts>; a single PutObject's is a plain MD5.
        String etag = s3.headObject(h -> h.bucket(bucket).key("results/t2.mp4")).eTag().replace("\"", "");
        if (parts == 1) {
            assertThat(etag).doesNotContain("-");
        } else {
            assertThat(etag).endsWith("-" + parts);
        }
    }

    @ParameterizedTest(name = "HTTP {0} is {1}")
    @CsvSource({"404,PERMANENT", "410,PERMANENT", "403,PERMANENT", "401,PERMANENT", "400,PERMANENT",
            "408,TRANSIENT", "429,TRANSIENT", "500,TRANSIENT", "502,TRANSIENT", "503,TRANSIENT"})
    void aRefusingSourceFailsTheCopyAsRetryableOrNot(int status, Kind kind) {
        assertThatThrownBy(() -> store.copyFrom(source.status(status), "results/t3.mp4", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
                    assertThat(e.getMessage()).contains(Integer.toString(status));
                });
        assertThat(store.exists("results/t3.mp4")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"oss://bucket/video.mp4", "file:///etc/passwd", "http:///no-host"})
    void aSourceThatIsNotAnHttpUrlIsPermanent(String url) {
        assertThatThrownBy(() -> store.copyFrom(URI.create(url), "results/t4.mp4", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isFalse());
    }

    @Test
    void anUnreachableSourceIsTransient() {
        URI nobody = URI.create("http://127.0.0.1:" + LoopbackPorts.free() + "/video.mp4");
        assertThatThrownBy(() -> store.copyFrom(nobody, "results/t5.mp4", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isTrue());
    }

    @Test
    void aSourceThatNeverAnswersIsTransientWithinTheLimit() {
        assertTimedOut(source.silent(), "results/t6.mp4", Duration.ofSeconds(2));
    }

    /** 12 MiB in, the first part is uploaded: the stalled copy must abort its multipart upload, not leave it. */
    @Test
    void aSourceThatStallsMidwayIsTransientWithinTheLimitAndLeavesNothing() throws Exception {
        var copying = CompletableFuture.runAsync(() ->
                assertTimedOut(source.stallingAfter(20 * MIB, 12 * MIB), "results/t7.mp4", Duration.ofSeconds(4)));
        // While it stalls, its upload is in progress: what the abort must then remove.
        long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (s3.listMultipartUploads(l -> l.bucket(bucket)).uploads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(s3.listMultipartUploads(l -> l.bucket(bucket)).uploads()).extracting(u -> u.key()).containsExactly("results/t7.mp4");
        copying.get();
        assertNothingAt("results/t7.mp4");
    }

    @Test
    void aSourceThatBreaksOffMidwayIsTransientAndLeavesNothing() {
        assertThatThrownBy(() -> store.copyFrom(source.breakingOffAfter(20 * MIB, 12 * MIB), "results/t8.mp4", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isTrue());
        assertNothingAt("results/t8.mp4");
    }

    @Test
    void aFailedCopyLeavesTheObjectThatWasThere() {
        store.put("results/t9.mp4", "earlier".getBytes(StandardCharsets.UTF_8), "video/mp4");
        assertThatThrownBy(() -> store.copyFrom(source.breakingOffAfter(20 * MIB, 12 * MIB), "results/t9.mp4", Duration.ofSeconds(30)))
                .isInstanceOf(ObjectStoreException.class);
        assertThat(s3.getObjectAsBytes(g -> g.bucket(bucket).key("results/t9.mp4")).asUtf8String()).isEqualTo("earlier");
    }

    @Test
    void deleteRemovesWhatIsThereAndIgnoresWhatIsNot() {
        for (String key : List.of("inputs/t10/0.png", "inputs/t10/1.png", "results/t10.mp4")) {
            store.put(key, new byte[] {1}, "application/octet-stream");
        }
        store.delete(List.of("inputs/t10/0.png", "inputs/t10/1.png", "inputs/t10/2.png", "inputs/t10/0.png"));

        assertThat(store.exists("inputs/t10/0.png")).isFalse();
        assertThat(store.exists("inputs/t10/1.png")).isFalse();
        assertThat(store.exists("results/t10.mp4")).isTrue();
        store.delete(List.of());
    }

    /** S3 takes at most 1000 keys per request: 2500 keys go in three, and every present one goes. */
    @Test
    void deleteOfManyKeysGoesInBatches() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            keys.add("inputs/t11/" + i + ".png");
        }
        for (int i : List.of(0, 999, 1000, 2499)) {
            store.put(keys.get(i), new byte[] {1}, "image/png");
        }
        store.delete(keys);
        assertThat(s3.listObjectsV2(l -> l.bucket(bucket).prefix("inputs/t11/")).keyCount()).isZero();
    }

    @Test
    void aPresignedUrlStopsWorkingWhenItExpires() throws Exception {
        store.put("results/t12.mp4", new byte[] {1, 2, 3}, "video/mp4");
        PresignedUrl url = store.presignGet("results/t12.mp4", Duration.ofSeconds(2));
        assertThat(get(url.url()).statusCode()).isEqualTo(200);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = get(url.url()).statusCode();
        } while (status == 200 && System.nanoTime() < deadline);

        assertThat(status).isEqualTo(403);
        // S3 counts from X-Amz-Date, which is in whole seconds: a URL may expire up to a second before expiresAt.
        assertThat(Instant.now()).isAfter(url.expiresAt().minusSeconds(1));
    }

    @Test
    void aPresignedUrlLivesAtMostSevenDays() {
        assertThat(store.presignGet("k", Duration.ofDays(7)).url().getQuery()).contains("X-Amz-Expires=604800");
        assertThatThrownBy(() -> store.presignGet("k", Duration.ofDays(7).plusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.presignGet("k", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingBucketIsPermanent() {
        Map<String, String> env = new HashMap<>(aws.s3Environment("no-such-bucket-" + System.nanoTime()));
        S3ObjectStore lost = S3Clients.objectStore(new Env(env));
        assertThatThrownBy(() -> lost.put("k", new byte[] {1}, "image/png"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.PERMANENT));
        // A small source: a store that refuses a large body before reading it drops the connection mid-upload, and
        // that is indistinguishable from a network fault (transient).
        assertThatThrownBy(() -> lost.copyFrom(source.video(1000), "k", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(Kind.PERMANENT));
    }

    @Test
    void anUnreachableStoreIsTransient() {
        Map<String, String> env = new HashMap<>(aws.s3Environment(bucket));
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + LoopbackPorts.free());
        S3ObjectStore down = S3Clients.objectStore(new Env(env));
        assertThatThrownBy(() -> down.put("k", new byte[] {1}, "image/png"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isTrue());
        assertThatThrownBy(() -> down.exists("k"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isTrue());
    }

    private void assertTimedOut(URI from, String key, Duration limit) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> store.copyFrom(from, key, limit))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.retryable()).as(e.getMessage()).isTrue());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // Not before the limit; after it, the short wait for the abort (S3ObjectStore.ABORT_GRACE at most) and slack
        // generous enough for a busy machine: the sources here never finish, so only a copy without a limit gets near it.
        assertThat(took).isBetween(limit.minusMillis(100), limit.plus(S3ObjectStore.ABORT_GRACE).plusSeconds(30));
    }

    /** Neither an object nor an unfinished multipart upload (whose parts would be billed on S3) is left. */
    private void assertNothingAt(String key) {
        assertThat(store.exists(key)).isFalse();
        assertThat(s3.listMultipartUploads(l -> l.bucket(bucket)).uploads()).isEmpty();
    }

    private static HttpResponse<byte[]> get(URI url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
