package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.webhook.WebhookSecret;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 2's end-to-end paths through the three handlers: HTTP front -> submit handler -> DynamoDB Local and
 * ElasticMQ -> event-source loop -> poller handler -> simulator -> status handler. The stack runs in-process
 * on free ports; {@code LocalStackEndToEndIT} starts it through ./run-local instead.
 */
class GatewayIntegrationTest {
    private static final SimulatorSettings SIM = SimulatorSettings.defaults().withTiming(0.3, 1.5, 1.5);
    private static LocalGateway gateway;
    private static LocalGateway duplicating;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        gateway = LocalGateway.start(LocalOptions.forTests(SIM, Map.of()));
        duplicating = LocalGateway.start(LocalOptions.forTests(SIM, Map.of()).withDuplicateDeliveries());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        duplicating.close();
    }

    static String r2v(String prompt) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\",\"seconds\":\"4\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"},"
                + "{\"type\":\"reference_video\",\"url\":\"https://example.com/b.mp4\",\"reference_voice\":\"https://example.com/v.mp3\"}]}";
    }

    static String i2v(String prompt) {
        return "{\"model\":\"wan2.7-i2v\",\"prompt\":\"" + prompt + "\",\"media\":[{\"type\":\"first_clip\",\"url\":\"https://example.com/c.mp4\"},"
                + "{\"type\":\"last_frame\",\"url\":\"https://example.com/l.png\"}]}";
    }

    private JsonNode submit(LocalGateway on, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(on.url().resolve("/v1/videos"))
                .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    private JsonNode status(LocalGateway on, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(on.url().resolve("/v1/videos/" + id))
                .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    private JsonNode awaitTerminal(LocalGateway on, String id) throws Exception {
        long deadline = System.currentTimeMillis() + Duration.ofSeconds(30).toMillis();
        int lastProgress = 0;
        while (System.currentTimeMillis() < deadline) {
            JsonNode task = status(on, id);
            assertThat(task.get("progress").asInt()).isGreaterThanOrEqualTo(lastProgress);
            lastProgress = task.get("progress").asInt();
            String s = task.get("status").asText();
            if (s.equals("completed") || s.equals("failed")) {
                return task;
            }
            assertThat(s).isIn("queued", "in_progress");
            Thread.sleep(200);
        }
        throw new AssertionError("task " + id + " did not finish");
    }

    @Test
    void r2vAndI2vTasksReachCompleted() throws Exception {
        String r2v = submit(gateway, r2v("Image 1 in the rain")).get("id").asText();
        String i2v = submit(gateway, i2v("the clip goes on")).get("id").asText();
        for (String id : new String[] {r2v, i2v}) {
            JsonNode task = awaitTerminal(gateway, id);
            assertThat(task.get("status").asText()).isEqualTo("completed");
            assertThat(task.get("progress").asInt()).isEqualTo(100);
            // The upstream's URL until the copy lands, the bucket's after: either way, the video.
            byte[] video = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(task.get("video_url").asText()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
            assertThat(new String(video, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");
            assertThat(task.at("/metadata/url").asText()).isEqualTo(task.get("video_url").asText());
            assertThat(task.get("expires_at").asLong()).isGreaterThan(task.get("completed_at").asLong());
            assertThat(task.has("usage")).isTrue();
        }
        assertThat(status(gateway, r2v).at("/usage/input_video_seconds").asDouble()).isEqualTo(5.0);
    }

    @Test
    void aSimulatedFailureEndsFailedWithItsCode() throws Exception {
        String id = submit(gateway, r2v("sim:fail=DataInspectionFailed")).get("id").asText();
        JsonNode task = awaitTerminal(gateway, id);
        assertThat(task.get("status").asText()).isEqualTo("failed");
        assertThat(task.at("/error/code").asText()).isEqualTo("DataInspectionFailed");
        assertThat(task.get("video_url").isNull()).isTrue();
    }

    @Test
    void anUpstreamRefusalEndsFailedAsRejected() throws Exception {
        String id = submit(gateway, i2v("sim:reject=400:InvalidParameter")).get("id").asText();
        JsonNode task = awaitTerminal(gateway, id);
        assertThat(task.get("status").asText()).isEqualTo("failed");
        assertThat(task.at("/error/code").asText()).isEqualTo("upstream_rejected");
        assertThat(task.at("/error/message").asText()).contains("InvalidParameter");
    }

    @Test
    void duplicatedDeliveriesCreateExactlyOneUpstreamTask() throws Exception {
        int before = duplicating.simulator().stats().get("create_calls").asInt();
        String id = submit(duplicating, r2v("once only")).get("id").asText();
        JsonNode task = awaitTerminal(duplicating, id);
        assertThat(task.get("status").asText()).isEqualTo("completed");
        long creates = duplicating.simulator().calls().stream()
                .filter(c -> c.get("path").toString().endsWith("video-synthesis")).count();
        assertThat(duplicating.simulator().stats().get("create_calls").asInt() - before).isEqualTo(1);
        assertThat(creates).isEqualTo(before + 1);
    }

    @Test
    void unknownRoutesAndMethodsGetTheErrorBody() throws Exception {
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/images")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.tree(unknown.body()).at("/error/type").asText()).isEqualTo("not_found_error");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/videos"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(Json.tree(put.body()).at("/error/code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void bodiesOverLambdasAndApiGatewaysLimitsGet413WithTheErrorBody() throws Exception {
        // Over Lambda's 6 MB the submit handler refuses; over API Gateway's 10 MB the HTTP front does. One body.
        for (int size : new int[] {7_000_000, 11 * 1024 * 1024}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/videos"))
                    .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(size))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(size + " bytes").isEqualTo(413);
            JsonNode error = Json.tree(r.body()).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("code").asText()).isEqualTo("payload_too_large");
        }
    }

    @Test
    void malformedRequestsGetTheErrorBodyNotAnHtmlPage() throws Exception {
        for (String request : new String[] {
                "GET /v1/videos/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /v1/videos/x?x=% HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /v1/videos HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"}) {
            try (Socket socket = new Socket("127.0.0.1", gateway.url().getPort())) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(request.replace("Host: x", "Host: x\r\nConnection: close")
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(response).as(request).startsWith("HTTP/1.1 400 ")
                        .containsIgnoringCase("content-type: application/json; charset=utf-8");
                JsonNode error = Json.tree(response.substring(response.indexOf("\r\n\r\n") + 4)).get("error");
                assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.get("code").asText()).isEqualTo("invalid_request");
                assertThat(error.get("param").isNull()).isTrue();
            }
        }
    }

    @Test
    void theFunctionsGetTheEnvironmentTheTemplateDescribes() {
        Map<String, String> env = gateway.functionEnvironment();
        assertThat(env).containsKeys("TABLE_NAME", "QUEUE_URL", "DEAD_LETTER_QUEUE_ARN", "DASHSCOPE_BASE_URL",
                "EXPECTED_GENERATION_SECONDS");
        assertThat(URI.create(env.get("DASHSCOPE_BASE_URL")).getPort()).isEqualTo(gateway.simulator().port());
        // Without LOCAL_WEBHOOK_SECRET the all-embedded stack makes one: there is no Secrets Manager to read.
        assertThat(new WebhookSecret(env.get("LOCAL_WEBHOOK_SECRET")).key()).hasSize(32);
    }
}
