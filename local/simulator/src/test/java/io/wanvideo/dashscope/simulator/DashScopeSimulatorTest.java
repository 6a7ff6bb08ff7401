package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DashScopeSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String R2V = """
            {"model":"wan2.7-r2v","input":{"prompt":"%s","media":[{"type":"reference_image","url":"https://x/a.png"}]},
             "parameters":{"resolution":"720P","ratio":"16:9","duration":5}}""";

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final HttpClient http = HttpClient.newHttpClient();
    private DashScopeSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private DashScopeSimulator start(SimulatorSettings settings) {
        sim = DashScopeSimulator.start(settings, 0, now::get);
        return sim;
    }

    private HttpResponse<String> create(String body) throws Exception {
        return create(body, "sk-test");
    }

    private HttpResponse<String> create(String body, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + DashScopeSimulator.CREATE_PATH))
                .header("Authorization", "Bearer " + key).header("X-DashScope-Async", "enable")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> get(String pathAndQuery, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + pathAndQuery)).header("Authorization", "Bearer " + key)
                .build());
    }

    private HttpResponse<String> cancel(String id) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/" + id + "/cancel"))
                .header("Authorization", "Bearer sk-test").POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private JsonNode query(String id) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/" + id))
                .header("Authorization", "Bearer sk-test").build());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String createdId(String prompt) throws Exception {
        HttpResponse<String> r = create(R2V.formatted(prompt));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/output/task_status").asText()).isEqualTo("PENDING");
        return body.at("/output/task_id").asText();
    }

    @Test
    void taskMovesPendingRunningSucceededAndItsVideoDownloads() throws Exception {
        start(SimulatorSettings.defaults().withTiming(2, 10, 10));
        String id = createdId("a cat");
        assertThat(query(id).at("/output/task_status").asText()).isEqualTo("PENDING");
        now.addAndGet(2_000);
        assertThat(query(id).at("/output/task_status").asText()).isEqualTo("RUNNING");
        now.addAndGet(10_000);
        JsonNode done = query(id);
        assertThat(done.at("/output/task_status").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.at("/usage/output_video_duration").asText()).isEqualTo("5");
        HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(URI.create(done.at("/output/video_url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("content-type")).contains("video/mp4");
        // An MP4 starts with an ftyp box.
        assertThat(new String(video.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    }

    @Test
    void directivesSteerOneTask() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 5, 5));
        String failing = createdId("x sim:fail=DataInspectionFailed sim:run=1");
        now.addAndGet(1_000);
        JsonNode failed = query(failing);
        assertThat(failed.at("/output/task_status").asText()).isEqualTo("FAILED");
        assertThat(failed.at("/output/code").asText()).isEqualTo("DataInspectionFailed");

        HttpResponse<String> rejected = create(R2V.formatted("x sim:reject=400:InvalidParameter"));
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(rejected.body()).get("code").asText()).isEqualTo("InvalidParameter");
    }

    @Test
    void requiresTheAsyncHeaderAndABearerKey() throws Exception {
        start(SimulatorSettings.defaults().withApiKey("sk-right"));
        HttpResponse<String> noAsync = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + DashScopeSimulator.CREATE_PATH))
                .header("Authorization", "Bearer sk-right").POST(HttpRequest.BodyPublishers.ofString(R2V.formatted("a"))).build());
        assertThat(noAsync.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(noAsync.body()).get("code").asText()).isEqualTo("AccessDenied");
        HttpResponse<String> wrongKey = create(R2V.formatted("a"));
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrongKey.body()).get("code").asText()).isEqualTo("InvalidApiKey");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"wan2.7-t2v\",\"input\":{\"prompt\":\"a\",\"media\":[{\"type\":\"reference_image\",\"url\":\"https://x\"}]}}|InvalidParameter",
        "{\"model\":\"wan2.7-i2v\",\"input\":{\"media\":[{\"type\":\"first_frame\",\"url\":\"https://x\"}]},\"parameters\":{\"ratio\":\"16:9\"}}|InvalidParameter",
        "{\"model\":\"wan2.7-i2v\",\"input\":{\"media\":[{\"type\":\"last_frame\",\"url\":\"https://x\"}]}}|InvalidParameter",
        "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"a\",\"media\":[{\"type\":\"reference_video\",\"url\":\"https://x\"}]},\"parameters\":{\"duration\":11}}|InvalidParameter",
        "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"a\",\"media\":[{\"type\":\"reference_image\",\"url\":\"ftp://x\"}]}}|InvalidURL",
        "{\"model\":\"wan2.7-r2v\",\"input\":{\"media\":[{\"type\":\"reference_image\",\"url\":\"https://x\"}]}}|InvalidParameter",
    })
    void refusesWhatDashScopeRefuses(String body, String code) throws Exception {
        start(SimulatorSettings.defaults());
        HttpResponse<String> r = create(body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo(code);
        assertThat(sim.stats().get("tasks_created").asInt()).isZero();
    }

    @Test
    void rejectsACreateBeyondTheConcurrencyLimit() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(100, 100));
        for (int i = 0; i < 5; i++) {
            createdId("t" + i);
        }
        HttpResponse<String> sixth = create(R2V.formatted("t5"));
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(sixth.body()).get("code").asText()).isEqualTo("Throttling.RateQuota");
        now.addAndGet(10_000);
        createdId("t6");
        assertThat(sim.stats().get("max_concurrent").asInt()).isEqualTo(5);
        assertThat(sim.stats().get("throttled").asInt()).isEqualTo(1);
    }

    @Test
    void queueModeKeepsTheSixthTaskPendingUntilASlotFrees() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(100, 100)
                .withConcurrency(5, SimulatorSettings.ConcurrencyMode.QUEUE));
        for (int i = 0; i < 5; i++) {
            createdId("t" + i);
        }
        String sixth = createdId("t5");
        now.addAndGet(5_000);
        assertThat(query(sixth).at("/output/task_status").asText()).isEqualTo("PENDING");
        now.addAndGet(5_000);
        assertThat(query(sixth).at("/output/task_status").asText()).isEqualTo("RUNNING");
        assertThat(sim.stats().get("max_running").asInt()).isEqualTo(5);
    }

    @Test
    void limitsCreatesPerSecond() throws Exception {
        start(SimulatorSettings.defaults().withConcurrency(100, SimulatorSettings.ConcurrencyMode.REJECT));
        for (int i = 0; i < 5; i++) {
            createdId("t" + i);
        }
        assertThat(create(R2V.formatted("t5")).statusCode()).isEqualTo(429);
        now.addAndGet(1_000);
        createdId("t6");
    }

    @Test
    void forgetsTasksAfterTheRetentionPeriod() throws Exception {
        start(SimulatorSettings.defaults().withRetention(Duration.ofHours(24)));
        String id = createdId("a");
        now.addAndGet(Duration.ofHours(24).toMillis());
        assertThat(query(id).at("/output/task_status").asText()).isEqualTo("UNKNOWN");
        assertThat(query("no-such-task").at("/output/task_status").asText()).isEqualTo("UNKNOWN");
    }

    @Test
    void cancelsOnlyPendingTasks() throws Exception {
        start(SimulatorSettings.defaults().withTiming(5, 5, 5));
        String id = createdId("a");
        HttpRequest cancel = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/" + id + "/cancel"))
                .header("Authorization", "Bearer sk-test").POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(send(cancel).statusCode()).isEqualTo(200);
        assertThat(query(id).at("/output/task_status").asText()).isEqualTo("CANCELED");
        String running = createdId("b");
        now.addAndGet(6_000);
        HttpRequest late = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/" + running + "/cancel"))
                .header("Authorization", "Bearer sk-test").POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(send(late).statusCode()).isEqualTo(400);
        assertThat(sim.stats().get("cancel_calls").asInt()).isEqualTo(2);
    }

    @Test
    void injectsFaults() throws Exception {
        start(SimulatorSettings.defaults());
        sim.inject(Fault.error("create", 1, 500, "InternalError"));
        HttpResponse<String> error = create(R2V.formatted("a"));
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(error.body()).get("code").asText()).isEqualTo("InternalError");

        sim.inject(Fault.drop("create", 1));
        assertThatThrownBy(() -> create(R2V.formatted("a"))).isInstanceOf(IOException.class);
        assertThat(sim.stats().get("tasks_created").asInt()).isZero();

        sim.inject(Fault.dropAfter("create", 1));
        assertThatThrownBy(() -> create(R2V.formatted("a"))).isInstanceOf(IOException.class);
        assertThat(sim.stats().get("tasks_created").asInt()).isEqualTo(1);

        sim.inject(Fault.slow("query", 1, 50));
        assertThat(query("x").at("/output/task_status").asText()).isEqualTo("UNKNOWN");

        sim.inject(Fault.malformed("query", 1));
        HttpResponse<String> junk = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/x"))
                .header("Authorization", "Bearer sk-test").build());
        assertThat(junk.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> JSON.readTree(junk.body())).isInstanceOf(IOException.class);

        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(3);
        assertThat(sim.stats().get("query_calls").asInt()).isEqualTo(2);
    }

    @Test
    void faultsCanBeInjectedOverHttp() throws Exception {
        start(SimulatorSettings.defaults());
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"query\",\"kind\":\"error\",\"count\":2,\"status\":503,\"code\":\"ServiceUnavailable\"}"))
                .build());
        assertThat(r.statusCode()).isEqualTo(200);
        HttpRequest q = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/x")).header("Authorization", "Bearer k").build();
        assertThat(send(q).statusCode()).isEqualTo(503);
        assertThat(send(q).statusCode()).isEqualTo(503);
        assertThat(send(q).statusCode()).isEqualTo(200);
        JsonNode stats = JSON.readTree(send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/stats")).build()).body());
        assertThat(stats.get("query_calls").asInt()).isEqualTo(3);
    }

    @Test
    void listsTheAccountsTasksInDashScopesShape() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 10, 10));
        String older = createdId("older");
        now.addAndGet(10_000);
        String newer = createdId("newer");
        String third = createdId("x"); // created in the same millisecond as newer: either may come first
        HttpResponse<String> other = create(R2V.formatted("someone else's"), "sk-other");
        assertThat(other.statusCode()).isEqualTo(200);

        HttpResponse<String> r = get("/api/v1/tasks/?page_no=2&page_size=2", "sk-test");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode page = JSON.readTree(r.body());
        assertThat(fieldNames(page)).containsExactly("total", "data", "total_page", "page_no", "request_id", "page_size");
        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(page.get("total_page").asInt()).isEqualTo(2);
        assertThat(page.get("page_no").asInt()).isEqualTo(2);
        assertThat(page.get("page_size").asInt()).isEqualTo(2);
        JsonNode item = page.get("data").get(0);
        assertThat(item.get("task_id").asText()).isEqualTo(older);
        assertThat(fieldNames(item)).containsExactly("api_key_id", "caller_parent_id", "caller_uid", "end_time", "gmt_create",
                "model_name", "region", "request_id", "start_time", "status", "task_id", "user_api_unique_key");
        assertThat(item.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(item.get("gmt_create").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(item.get("end_time").asLong()).isEqualTo(1_700_000_010_000L);
        assertThat(item.get("model_name").asText()).isEqualTo("wan2.7-r2v");
        assertThat(item.get("api_key_id").asText()).isEqualTo(ApiKey.of("sk-test").label()).doesNotContain("sk-test");

        // Without the trailing slash too (the SDKs send it so); a PENDING task has no start_time yet.
        JsonNode first = JSON.readTree(get("/api/v1/tasks?page_size=1", "sk-test").body());
        assertThat(first.at("/data/0/task_id").asText()).isIn(newer, third);
        assertThat(first.at("/data/0/status").asText()).isEqualTo("RUNNING");
        JsonNode pendingOnly = JSON.readTree(get("/api/v1/tasks?status=PENDING", "sk-test").body());
        assertThat(pendingOnly.get("total").asInt()).isZero();

        HttpResponse<String> badTime = get("/api/v1/tasks?start_time=yesterday", "sk-test");
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTime.body()).get("code").asText()).isEqualTo("InvalidParameter");
        assertThat(sim.stats().get("list_calls").asInt()).isEqualTo(4);
    }

    @Test
    void theListingIsThrottledOnItsOwnBudget() throws Exception {
        start(SimulatorSettings.defaults().withListRate(2));
        assertThat(get("/api/v1/tasks", "sk-test").statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/tasks", "sk-test").statusCode()).isEqualTo(200);
        HttpResponse<String> third = get("/api/v1/tasks", "sk-test");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(third.body()).get("code").asText()).isEqualTo("Throttling.RateQuota");
        assertThat(get("/api/v1/tasks", "sk-another").statusCode()).isEqualTo(200);
        assertThat(query("x").at("/output/task_status").asText()).isEqualTo("UNKNOWN");
        now.addAndGet(1_000);
        assertThat(get("/api/v1/tasks", "sk-test").statusCode()).isEqualTo(200);
        assertThat(sim.stats().get("throttled").asInt()).isEqualTo(1);
        assertThat(sim.stats().at("/per_key/" + ApiKey.of("sk-test").label() + "/throttled").asInt()).isEqualTo(1);
    }

    @Test
    void faultsReachTheListing() throws Exception {
        start(SimulatorSettings.defaults());
        sim.inject(Fault.unknownShape("list", 1));
        HttpResponse<String> odd = get("/api/v1/tasks", "sk-test");
        assertThat(odd.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(odd.body());
        assertThat(body.has("data") || body.has("total") || body.has("output") || body.has("code")).isFalse();
        sim.inject(Fault.error("list", 1, 500, "InternalError"));
        assertThat(query("x").at("/output/task_status").asText()).isEqualTo("UNKNOWN");
        assertThat(get("/api/v1/tasks", "sk-test").statusCode()).isEqualTo(500);
        assertThat(get("/api/v1/tasks", "sk-test").statusCode()).isEqualTo(200);

        sim.inject(Fault.unknownShape("query", 1));
        JsonNode oddQuery = query("x");
        assertThat(oddQuery.has("output")).isFalse();
    }

    @Test
    void limitsApplyPerKeyAndOnlyTheListedKeysGetIn() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(100, 100).withApiKeys(java.util.List.of("sk-a", "sk-b")));
        for (int i = 0; i < 5; i++) {
            assertThat(create(R2V.formatted("a" + i), "sk-a").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> sixth = create(R2V.formatted("a5"), "sk-a");
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(sixth.body()).get("code").asText()).isEqualTo("Throttling.RateQuota");
        for (int i = 0; i < 5; i++) {
            assertThat(create(R2V.formatted("b" + i), "sk-b").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> stranger = create(R2V.formatted("c"), "sk-c");
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(stranger.body()).get("code").asText()).isEqualTo("InvalidApiKey");

        JsonNode stats = sim.stats();
        String a = ApiKey.of("sk-a").label();
        String b = ApiKey.of("sk-b").label();
        assertThat(stats.at("/per_key/" + a + "/per_model/wan2.7-r2v/max_concurrent").asInt()).isEqualTo(5);
        assertThat(stats.at("/per_key/" + a + "/throttled").asInt()).isEqualTo(1);
        assertThat(stats.at("/per_key/" + b + "/max_concurrent").asInt()).isEqualTo(5);
        assertThat(stats.at("/per_key/" + b + "/throttled").asInt()).isZero();
        assertThat(stats.get("max_concurrent").asInt()).isEqualTo(10);
        assertThat(sim.tasks()).extracting(t -> t.get("key")).containsOnly(a, b);
        // The keys themselves appear nowhere the simulator reports.
        String everything = JSON.writeValueAsString(stats) + JSON.writeValueAsString(sim.tasks()) + JSON.writeValueAsString(sim.calls());
        assertThat(everything).doesNotContain("sk-a").doesNotContain("sk-b").doesNotContain("sk-c");
    }

    @Test
    void theResultUrlIsSignedAndAnswersOssStyle403OnceExpired() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 10, 10).withUrlTtl(Duration.ofHours(1)));
        String id = createdId("a cat");
        now.addAndGet(10_000);
        String url = query(id).at("/output/video_url").asText();
        assertThat(url).startsWith(sim.baseUrl() + "/_sim/videos/" + id + ".mp4?")
                .contains("Expires=" + (1_700_000_010L + 3600)).contains("Signature=").contains("OSSAccessKeyId=");
        HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.body()).isEqualTo(DashScopeSimulator.class.getResourceAsStream("sample.mp4").readAllBytes());

        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/videos/" + id + ".mp4")).build());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("<Code>AccessDenied</Code>");

        now.addAndGet(3_600_000 + 1_000);
        HttpResponse<String> expired = send(HttpRequest.newBuilder(URI.create(url)).build());
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.headers().firstValue("content-type")).contains("application/xml");
        assertThat(expired.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Request has expired.</Message>")
                .contains("<EC>0002-00000069</EC>");
        // The task itself is still within retention and still says where its video was.
        assertThat(query(id).at("/output/video_url").asText()).isEqualTo(url);
    }

    @Test
    void cancelsAreInTheCallLog() throws Exception {
        start(SimulatorSettings.defaults().withTiming(5, 5, 5));
        String pending = createdId("a");
        String running = createdId("b");
        assertThat(cancel(pending).statusCode()).isEqualTo(200);
        now.addAndGet(6_000);
        HttpResponse<String> late = cancel(running);
        assertThat(late.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(late.body()).get("code").asText()).isEqualTo("UnsupportedOperation");
        assertThat(JSON.readTree(late.body()).get("message").asText()).contains("is RUNNING");
        HttpResponse<String> unknown = cancel("no-such-task");
        assertThat(JSON.readTree(unknown.body()).get("message").asText()).contains("No such task");

        java.util.List<java.util.Map<String, Object>> cancels = sim.calls().stream().filter(c -> "cancel".equals(c.get("call"))).toList();
        assertThat(cancels).extracting(c -> c.get("method"), c -> c.get("path"), c -> c.get("status"), c -> c.get("task_id"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/tasks/" + pending + "/cancel", 200, pending),
                        org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/tasks/" + running + "/cancel", 400, running),
                        org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/tasks/no-such-task/cancel", 400, "no-such-task"));
        assertThat(sim.tasks()).filteredOn(t -> t.get("task_id").equals(pending))
                .singleElement().satisfies(t -> assertThat(t).containsEntry("status", "CANCELED").containsKey("canceled_ms"));
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
