package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import io.wanvideo.dashscope.simulator.Fault;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.api.RequestBodies;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.testing.Crashes;
import io.wanvideo.gateway.testing.FormBuilder;
import io.wanvideo.gateway.testing.GatewayHarness;
import io.wanvideo.gateway.testing.StoreInvariants;
import io.wanvideo.gateway.webhook.WebhookSecret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * After a task ends: its video copied into the gateway's storage (so it outlives the upstream's URL), its inputs
 * stored at submission and removed at the end, and its completion event signed and delivered with retries, on
 * DynamoDB Local, ElasticMQ, S3Proxy, the simulator and a loopback receiver.
 */
class AfterCompletionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final SimulatorSettings FAST = SimulatorSettings.defaults().withTiming(0, 1, 1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GatewayHarness gateway;
    private HttpServer receiver;
    private final List<Map<String, List<String>>> receivedHeaders = new CopyOnWriteArrayList<>();
    private final List<String> receivedBodies = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (gateway != null) {
            try {
                StoreInvariants.check(gateway.aws.dynamo(), gateway.table);
            } finally {
                gateway.close();
            }
        }
    }

    private static String r2v(String prompt, String extra) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]" + extra + "}";
    }

    private boolean ended(String id) {
        return gateway.task(id).state().terminal();
    }

    private static HttpResponse<byte[]> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A receiver answering each delivery with the next of these statuses (the last one repeats). */
    private String receiver(int... statuses) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            receivedHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            receivedBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static Map<String, List<String>> standardHeaders(Map<String, List<String>> received) {
        return Map.of("webhook-id", header(received, "webhook-id"), "webhook-timestamp", header(received, "webhook-timestamp"),
                "webhook-signature", header(received, "webhook-signature"));
    }

    private static List<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst().orElseThrow().getValue();
    }

    // ------------------------------------------------------------------ results and inputs

    @Test
    void aCompletedVideoOutlivesTheUpstreamUrl() throws Exception {
        gateway = GatewayHarness.setup(FAST.withUrlTtl(Duration.ofSeconds(5))).storage(List.of(0, 1, 1)).start();
        String id = gateway.submit("t", r2v("kept", ""));
        gateway.pumpUntil(() -> ended(id) && gateway.task(id).result() != null && !gateway.task(id).result().isPending(), WAIT);
        VideoTask done = gateway.task(id);
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.result().status()).isEqualTo(ResultCopy.COPIED);
        assertThat(done.result().key()).isEqualTo("results/" + id + ".mp4");
        // The upstream's URL dies after its TTL...
        long deadline = System.currentTimeMillis() + 30_000;
        while (get(done.videoUrl()).statusCode() != 403) {
            assertThat(System.currentTimeMillis()).as("upstream URL expiry").isLessThan(deadline);
            Thread.sleep(250);
        }
        // ...while the content route and the object's video_url still serve the MP4.
        String content = gateway.lookup.content("t", id);
        assertThat(content).doesNotStartWith(gateway.sim.baseUrl());
        HttpResponse<byte[]> video = get(content);
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(new String(video.body(), 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");
        var object = gateway.lookup.find("t", id);
        assertThat(get(object.videoUrl()).statusCode()).isEqualTo(200);
        assertThat(object.expiresAt()).isEqualTo(done.completedMs() / 1000 + Duration.ofDays(7).toSeconds());
    }

    @Test
    void aCopyThatFailsIsRetriedOnItsScheduleAndTheTaskStaysCompleted() throws Exception {
        gateway = GatewayHarness.setup(FAST).storage(List.of(0, 1, 1, 1)).start();
        gateway.sim.inject(Fault.error("video", 2, 500, "InternalError"));
        String id = gateway.submit("t", r2v("copied on the third try", ""));
        gateway.pumpUntil(() -> ended(id) && !gateway.task(id).result().isPending(), WAIT);
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(task.result().status()).isEqualTo(ResultCopy.COPIED);
        assertThat(task.result().attempts()).isEqualTo(3);
    }

    @Test
    void aCopyThatFailsForGoodIsRecordedAndTheUpstreamUrlIsServed() throws Exception {
        gateway = GatewayHarness.setup(FAST).storage(List.of(0, 1, 1)).start();
        gateway.sim.inject(Fault.error("video", 10, 503, "ServiceUnavailable"));
        String id = gateway.submit("t", r2v("never copied", ""));
        gateway.pumpUntil(() -> ended(id) && !gateway.task(id).result().isPending(), WAIT);
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(task.result().status()).isEqualTo(ResultCopy.FAILED);
        assertThat(task.result().attempts()).isEqualTo(3);
        assertThat(task.result().error()).contains("503");
        var object = gateway.lookup.find("t", id);
        assertThat(object.videoUrl()).isEqualTo(task.videoUrl());
        assertThat(object.expiresAt()).isEqualTo(task.videoExpiresMs() / 1000);
    }

    @Test
    void aCopyWhoseMessageIsDeadLetteredIsGivenUpRatherThanResentForever() throws Exception {
        // The first copy fails and the next is an hour away: the step is pending when its message dies.
        gateway = GatewayHarness.setup(FAST).storage(List.of(0, 3600)).start();
        gateway.sim.inject(Fault.error("video", 1, 500, "InternalError"));
        String id = gateway.submit("t", r2v("copy dead-lettered", ""));
        gateway.pumpUntil(() -> ended(id) && gateway.task(id).result().attempts() == 1, WAIT);
        VideoTask pending = gateway.task(id);
        assertThat(pending.result().isPending()).isTrue();
        gateway.poller.handleDeadLetter(TaskMessage.effect(pending, TaskFinisher.COPY_RESULT));
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(task.result().status()).isEqualTo(ResultCopy.FAILED);
        assertThat(task.result().error()).contains("failed the poller");
        // Nothing is left for the sweep to re-send, and the client keeps the upstream URL.
        assertThat(gateway.lookup.find("t", id).videoUrl()).isEqualTo(task.videoUrl());
    }

    @Test
    void aThreeMegabyteInlineImageReachesTheUpstreamByteForByteAndTheTaskStaysSmall() throws Exception {
        gateway = GatewayHarness.setup(FAST).storage(List.of(0)).start();
        byte[] image = threeMegabytePng();
        String dataUri = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(image);
        String body = "{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"" + dataUri + "\"}]}";
        assertStoredAndDelivered(gateway.submit("t", body), image);
    }

    @Test
    void aThreeMegabyteUploadedFileReachesTheUpstreamByteForByteAndTheTaskStaysSmall() throws Exception {
        gateway = GatewayHarness.setup(FAST).storage(List.of(0)).start();
        byte[] image = threeMegabytePng();
        byte[] form = new FormBuilder().field("model", "wan2.7-i2v").field("prompt", "an upload")
                .file("input_reference", "frame.png", "image/png", image).build();
        // As API Gateway hands a binary body to Lambda: base64, flagged.
        var event = new APIGatewayV2HTTPEvent();
        event.setHeaders(Map.of("content-type", FormBuilder.CONTENT_TYPE));
        event.setBody(java.util.Base64.getEncoder().encodeToString(form));
        event.setIsBase64Encoded(true);
        JsonNode tree = RequestBodies.read(new ApiRequest(event), 6_000_000);
        String id = gateway.submit.submit(GatewayHarness.caller("t"), tree, null).video().id();
        assertStoredAndDelivered(id, image);
    }

    private static byte[] threeMegabytePng() {
        byte[] image = new byte[3_000_000];
        new Random(7).nextBytes(image);
        System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10}, 0, image, 0, 8);
        return image;
    }

    /** The image went to the bucket, not the task item; the upstream fetched it intact; it was removed at the end. */
    private void assertStoredAndDelivered(String id, byte[] image) throws Exception {
        Map<String, AttributeValue> item = gateway.aws.dynamo().getItem(g -> g.tableName(gateway.table)
                .key(Map.of("pk", AttributeValue.fromS("task#" + id)))).item();
        int itemBytes = item.entrySet().stream().mapToInt(e -> e.getKey().length()
                + (e.getValue().s() != null ? e.getValue().s().getBytes(StandardCharsets.UTF_8).length : 16)).sum();
        assertThat(itemBytes).as("task item size").isLessThan(10_000);
        String key = gateway.task(id).spec().media().get(0).inputKey();
        assertThat(key).isEqualTo("inputs/" + id + "/0.png");

        gateway.pumpUntil(() -> ended(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        List<Map<String, Object>> received = receivedMedia();
        assertThat(received).singleElement().satisfies(m -> {
            assertThat(m.get("bytes")).isEqualTo((long) image.length);
            assertThat(m.get("sha256")).isEqualTo(sha256(image));
        });
        // Fetched once, when the task was dispatched; removed once it ended.
        assertThat(gateway.media.store().exists(key)).isFalse();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> receivedMedia() {
        List<Map<String, Object>> media = new ArrayList<>();
        for (Map<String, Object> task : gateway.sim.tasks()) {
            for (Map<String, Object> m : (List<Map<String, Object>>) task.get("media")) {
                Map<String, Object> copy = new java.util.HashMap<>(m);
                copy.computeIfPresent("bytes", (k, v) -> ((Number) v).longValue());
                media.add(copy);
            }
        }
        return media;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void deletingAFinishedTaskRemovesItsStoredVideo() throws Exception {
        gateway = GatewayHarness.setup(FAST).storage(List.of(0)).start();
        String id = gateway.submit("t", r2v("deleted", ""));
        gateway.pumpUntil(() -> ended(id) && !gateway.task(id).result().isPending(), WAIT);
        assertThat(gateway.media.store().exists("results/" + id + ".mp4")).isTrue();
        gateway.delete.delete("t", id);
        assertThat(gateway.media.store().exists("results/" + id + ".mp4")).isFalse();
    }

    // ------------------------------------------------------------------ completion events

    @Test
    void completedAndFailedTasksSendSignedEventsCarryingTheTask() throws Exception {
        WebhookSecret secret = WebhookSecret.generate();
        String url = receiver(204);
        gateway = GatewayHarness.setup(FAST).webhooks(secret, List.of(0, 1)).start();
        String done = gateway.submit("t", r2v("done", ",\"webhook_url\":\"" + url + "\""));
        String failed = gateway.submit("t", r2v("sim:fail=DataInspectionFailed", ",\"callback_url\":\"" + url + "\""));
        gateway.pumpUntil(() -> ended(done) && ended(failed) && !gateway.task(done).webhook().isPending()
                && !gateway.task(failed).webhook().isPending(), WAIT);
        assertThat(receivedBodies).hasSize(2);
        for (int i = 0; i < 2; i++) {
            int index = i;
            String body = receivedBodies.get(i);
            assertThatNoException().isThrownBy(() -> new Webhook(secret.value()).verify(body, standardHeaders(receivedHeaders.get(index))));
            JsonNode event = Json.tree(body);
            String id = event.at("/data/id").asText();
            assertThat(event.get("object").asText()).isEqualTo("event");
            assertThat(event.get("type").asText()).isEqualTo(id.equals(done) ? "video.completed" : "video.failed");
            assertThat(event.get("id").asText()).isEqualTo(header(receivedHeaders.get(i), "webhook-id").get(0))
                    .isEqualTo("evt_" + id.substring("video_".length()));
            assertThat(event.at("/data/status").asText()).isEqualTo(id.equals(done) ? "completed" : "failed");
            assertThat(header(receivedHeaders.get(i), "content-type").get(0)).startsWith("application/json");
        }
        assertThat(gateway.task(done).webhook()).satisfies(w -> {
            assertThat(w.status()).isEqualTo(WebhookDelivery.DELIVERED);
            assertThat(w.attempts()).isEqualTo(1);
            assertThat(w.lastHttpStatus()).isEqualTo(204);
        });
        assertThat(gateway.lookup.find("t", failed).webhook().status()).isEqualTo("delivered");
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheEventOnTheFourthAttemptUnderOneId() throws Exception {
        WebhookSecret secret = WebhookSecret.generate();
        String url = receiver(500, 500, 500, 200);
        gateway = GatewayHarness.setup(FAST).webhooks(secret, List.of(0, 1, 1, 1, 1)).start();
        String id = gateway.submit("t", r2v("persistent", ",\"webhook_url\":\"" + url + "\""));
        gateway.pumpUntil(() -> ended(id) && !gateway.task(id).webhook().isPending(), WAIT);
        assertThat(receivedHeaders).hasSize(4);
        assertThat(receivedHeaders).extracting(h -> header(h, "webhook-id").get(0)).containsOnly("evt_" + id.substring(6));
        WebhookDelivery delivery = gateway.task(id).webhook();
        assertThat(delivery.status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(delivery.attempts()).isEqualTo(4);
        assertThat(delivery.lastHttpStatus()).isEqualTo(200);
        // Acknowledged once: nothing more is sent.
        gateway.pumpOnce();
        assertThat(receivedHeaders).hasSize(4);
    }

    @Test
    void aReceiverThatNeverAcceptsIsGivenUpAfterTheLastScheduledAttempt() throws Exception {
        String url = receiver(503);
        gateway = GatewayHarness.setup(FAST).webhooks(WebhookSecret.generate(), List.of(0, 1, 1)).start();
        String id = gateway.submit("t", r2v("never accepted", ",\"webhook_url\":\"" + url + "\""));
        gateway.pumpUntil(() -> ended(id) && !gateway.task(id).webhook().isPending(), WAIT);
        assertThat(gateway.task(id).webhook().status()).isEqualTo(WebhookDelivery.FAILED);
        assertThat(gateway.task(id).webhook().attempts()).isEqualTo(3);
        assertThat(receivedHeaders).hasSize(3);
    }

    @Test
    void aCrashRightAfterATaskEndsStillDeliversItsEvent() throws Exception {
        String url = receiver(200);
        // The process dies between recording the end and queueing the delivery: the sweep finds the pending event.
        AtomicInteger effectSends = new AtomicInteger();
        gateway = GatewayHarness.setup(FAST).webhooks(WebhookSecret.generate(), List.of(0, 1))
                .crashing(s -> s, Crashes.beforeSend(m -> TaskMessage.EFFECT.equals(m.kind()) && effectSends.incrementAndGet() > 0, 1))
                .start();
        String id = gateway.submit("t", r2v("crash after end", ",\"webhook_url\":\"" + url + "\""));
        gateway.pumpUntil(() -> ended(id), WAIT);
        gateway.pumpUntil(() -> !gateway.task(id).webhook().isPending(), WAIT);
        assertThat(gateway.task(id).webhook().status()).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(receivedHeaders).hasSize(1);
        // The first send crashed; a poll message seen again drops an ended task, so the one after it was the sweep's.
        assertThat(effectSends).as("delivery messages sent (the first one crashed)").hasValueGreaterThanOrEqualTo(2);
    }
}
