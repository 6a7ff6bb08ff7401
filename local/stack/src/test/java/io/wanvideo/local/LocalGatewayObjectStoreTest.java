package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.storage.ObjectKeys;
import io.wanvideo.gateway.storage.s3.S3ObjectStore;
import io.wanvideo.local.embedded.LocalS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's object store: S3Proxy beside the other embedded servers, or the S3 endpoint the user names. */
class LocalGatewayObjectStoreTest {
    private static final SimulatorSettings SIM = SimulatorSettings.defaults();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theFunctionsGetABucketOnTheEmbeddedS3() throws Exception {
        try (LocalGateway gateway = LocalGateway.start(LocalOptions.forTests(SIM, Map.of()))) {
            Map<String, String> env = gateway.functionEnvironment();
            assertThat(env).containsEntry("MEDIA_BUCKET", LocalGateway.BUCKET).containsKey("AWS_ENDPOINT_URL_S3");

            S3ObjectStore store = S3Clients.objectStore(new Env(env));
            store.put(ObjectKeys.result("video_1"), "mp4".getBytes(StandardCharsets.UTF_8), "video/mp4");
            URI url = store.presignGet(ObjectKeys.result("video_1"), Duration.ofMinutes(1)).url();
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("mp4");
        }
    }

    @Test
    void objectsSurviveARestartWithData(@TempDir Path data) {
        LocalOptions options = LocalOptions.forTests(SIM, Map.of()).withDataDir(data);
        try (LocalGateway gateway = LocalGateway.start(options)) {
            S3Clients.objectStore(new Env(gateway.functionEnvironment())).put("inputs/video_2/0.png", new byte[] {7}, "image/png");
        }
        try (LocalGateway gateway = LocalGateway.start(options)) {
            assertThat(S3Clients.objectStore(new Env(gateway.functionEnvironment())).exists("inputs/video_2/0.png")).isTrue();
        }
        assertThat(data.resolve("s3").resolve(LocalGateway.BUCKET)).isDirectory();
    }

    /** As with LocalStack: AWS_ENDPOINT_URL_S3 replaces the embedded S3, and the bucket is created there. */
    @Test
    void aGivenS3EndpointReplacesTheEmbeddedOne() {
        try (LocalS3 elsewhere = LocalS3.start();
                LocalGateway gateway = LocalGateway.start(LocalOptions.forTests(SIM, Map.of())
                        .withExternalAws(Map.of("AWS_ENDPOINT_URL_S3", elsewhere.endpoint().toString())))) {
            assertThat(gateway.functionEnvironment()).containsEntry("AWS_ENDPOINT_URL_S3", elsewhere.endpoint().toString());
            assertThat(gateway.s3().headBucket(h -> h.bucket(LocalGateway.BUCKET)).sdkHttpResponse().isSuccessful()).isTrue();
        }
    }
}
