package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Completion events: first end to end over HTTP on the real clock (a task created through the simulator's API, its
 * event received by a loopback target), then the sender alone on a fake clock, ticked by hand.
 */
class CompletionEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String R2V = """
            {"model":"wan2.7-r2v","input":{"prompt":"%s","media":[{"type":"reference_image","url":"https://x/a.png"}]},
             "parameters":{"resolution":"720P","ratio":"16:9","duration":5}}""";
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer receiver-token");
    private static final long T0 = 1_700_000_000_000L;

    private final HttpClient http = HttpClient.newHttpClient();
    private DashScopeSimulator sim;
    private CompletionEvents events;
    private EventReceiver receiver;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
        if (events != null) {
            events.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    // ---------------------------------------------------------------- end to end, real clock

    /** A simulator on the real clock whose tasks run 0.3 s, for keys sk-a and sk-b. */
    private DashScopeSimulator start() {
        sim = DashScopeSimulator.start(SimulatorSettings.defaults().withTiming(0, 0.3, 0.3).withApiKeys(List.of("sk-a", "sk-b")),
                0, System::currentTimeMillis);
        return sim;
    }

    private JsonNode create(String prompt, String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + DashScopeSimulator.CREATE_PATH))
                .header("Authorization", "Bearer " + key).header("X-DashScope-Async", "enable")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(R2V.formatted(prompt)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private JsonNode query(String id, String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v1/tasks/" + id))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private long endMs(String id) {
        return sim.tasks().stream().filter(t -> t.get("task_id").equals(id)).map(t -> (Long) t.get("end_ms")).findFirst()
                .orElseThrow();
    }

    /** A few ticks with nothing new arriving: how "exactly one" and "nothing" are checked, briefly. */
    private static void quietFor(long ms, EventReceiver receiver) throws InterruptedException {
        int before = receiver.all().size();
        Thread.sleep(ms);
        assertThat(receiver.all()).as("nothing more arrives").hasSize(before);
    }

    private static void await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as("condition within %d ms", timeoutMs).isTrue();
    }

    @Test
    void pushesOneCloudEventPerTaskAfterItEnds() throws Exception {
        receiver = new EventReceiver();
        start().sendCompletionEvents(new EventTargets(Map.of("sk-a", receiver.url()), AUTH, Duration.ofMillis(100)));
        JsonNode created = create("a cat", "sk-a");
        String id = created.at("/output/task_id").asText();

        EventReceiver.Received got = receiver.awaitDelivered(1, 3_000).get(0);
        long end = endMs(id);
        assertThat(got.atMs()).as("after end + delay, within about a second").isBetween(end + 100, end + 100 + 1_000);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.headers().getFirst("Authorization")).isEqualTo("Bearer receiver-token");
        assertThat(got.headers().getFirst("Content-Type")).isEqualTo("application/json");

        JsonNode event = got.body();
        assertThat(event.get("specversion").asText()).isEqualTo("1.0");
        assertThat(java.util.UUID.fromString(event.get("id").asText())).isNotNull();
        assertThat(event.get("source").asText()).isEqualTo("acs.dashscope");
        assertThat(event.get("type").asText()).isEqualTo("dashscope:System:AsyncTaskFinished");
        assertThat(event.get("subject").asText())
                .isEqualTo("acs.dashscope:ap-southeast-1:" + ApiKey.of("sk-a").label() + ":task/" + id);
        assertThat(Instant.parse(event.get("time").asText())).isEqualTo(Instant.ofEpochMilli(end));
        assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(event.get("aliyunregionid").asText()).isEqualTo("ap-southeast-1");
        JsonNode data = event.get("data");
        assertThat(data.get("task_id").asText()).isEqualTo(id);
        assertThat(data.get("task_status").asText()).isEqualTo("SUCCEEDED");
        assertThat(data.get("model").asText()).isEqualTo("wan2.7-r2v");
        assertThat(data.get("request_id").asText()).isEqualTo(created.get("request_id").asText());
        // As the query, which the receiver makes next, states it.
        assertThat(data.get("end_time").asText()).isEqualTo(query(id, "sk-a").at("/output/end_time").asText());
        assertThat(JSON.writeValueAsString(event)).doesNotContain("sk-a");

        quietFor(100, receiver);
        assertThat(receiver.all()).hasSize(1);
        await(() -> sim.stats().get("events_sent").asInt() == 1, 1_000);
        assertThat(sim.stats().get("events_failed").asInt()).isZero();
    }

    @Test
    void aFailedTaskIsAnnouncedAsFailed() throws Exception {
        receiver = new EventReceiver();
        start().sendCompletionEvents(new EventTargets(Map.of("sk-a", receiver.url()), AUTH, Duration.ZERO));
        String id = create("x sim:fail=DataInspectionFailed sim:run=0.2", "sk-a").at("/output/task_id").asText();

        JsonNode data = receiver.awaitDelivered(1, 3_000).get(0).body().get("data");
        assertThat(data.get("task_id").asText()).isEqualTo(id);
        assertThat(data.get("task_status").asText()).isEqualTo("FAILED");
        assertThat(query(id, "sk-a").at("/output/task_status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aKeyWithoutATargetGetsNoEvents() throws Exception {
        receiver = new EventReceiver();
        start().sendCompletionEvents(new EventTargets(Map.of("sk-a", receiver.url()), AUTH, Duration.ZERO));
        // sk-b's task ends first: by the time sk-a's event is in, sk-b's would long have been sent.
        String untargeted = create("b sim:run=0.05", "sk-b").at("/output/task_id").asText();
        String targeted = create("a sim:run=0.3", "sk-a").at("/output/task_id").asText();

        receiver.awaitDelivered(1, 3_000);
        quietFor(100, receiver);
        assertThat(receiver.all()).extracting(r -> r.body().at("/data/task_id").asText()).containsExactly(targeted);
        assertThat(query(untargeted, "sk-b").at("/output/task_status").asText()).isEqualTo("SUCCEEDED");
        await(() -> sim.stats().get("events_sent").asInt() == 1, 1_000);
    }

    @Test
    void aFailingTargetGetsTheSameEventOnARetry() throws Exception {
        receiver = new EventReceiver(attempt -> attempt <= 2 ? 500 : 200);
        start().sendCompletionEvents(new EventTargets(Map.of("sk-a", receiver.url()), AUTH, Duration.ZERO));
        String id = create("a sim:run=0.05", "sk-a").at("/output/task_id").asText();

        receiver.awaitDelivered(1, 4_000);
        List<EventReceiver.Received> attempts = receiver.all();
        assertThat(attempts).extracting(EventReceiver.Received::answered).containsExactly(500, 500, 200);
        // A retry is the same event, same id, so a receiver can tell it from a second one.
        assertThat(attempts).extracting(r -> r.body().get("id").asText()).containsOnly(attempts.get(0).body().get("id").asText());
        assertThat(attempts).extracting(r -> r.body().at("/data/task_id").asText()).containsOnly(id);
        // EventBridge-like back-off: 200 ms, then 1 s.
        assertThat(attempts.get(1).atMs() - attempts.get(0).atMs()).isGreaterThanOrEqualTo(200);
        assertThat(attempts.get(2).atMs() - attempts.get(1).atMs()).isGreaterThanOrEqualTo(1_000);
        await(() -> sim.stats().get("events_sent").asInt() == 1, 1_000);
        assertThat(sim.stats().get("events_failed").asInt()).isZero();
    }

    @Test
    void nothingIsSentAfterClose() throws Exception {
        receiver = new EventReceiver();
        start().sendCompletionEvents(new EventTargets(Map.of("sk-a", receiver.url()), AUTH, Duration.ZERO));
        String id = create("a sim:run=0.1", "sk-a").at("/output/task_id").asText();
        long end = endMs(id);
        sim.close();
        sim = null;

        // Well past the end, by then the event would have been in within a few ticks.
        await(() -> System.currentTimeMillis() > end + 250, 2_000);
        assertThat(receiver.all()).isEmpty();
    }

    @Test
    void refusesHeadersTheHttpClientMayNotSet() {
        start();
        assertThatThrownBy(() -> sim.sendCompletionEvents(
                new EventTargets(Map.of("sk-a", URI.create("http://127.0.0.1:1/")), Map.of("Host", "x"), Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventTargets(Map.of("sk-a", URI.create("/relative")), Map.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-a");
        assertThatThrownBy(() -> new EventTargets(Map.of(), Map.of(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- the sender alone, fake clock, ticked by hand

    private final AtomicLong now = new AtomicLong(T0);
    private static final ApiKey ALICE = ApiKey.of("sk-alice");
    private static final ApiKey BOB = ApiKey.of("sk-bob");

    private SimulatedDashScope model(SimulatorSettings settings) {
        return new SimulatedDashScope(settings, now::get, TaskJournal.inMemory());
    }

    /** No ticker of its own to speak of (one tick an hour), retries 10 ms apart. */
    private CompletionEvents sender(SimulatedDashScope model) {
        events = new CompletionEvents(model, Duration.ofHours(1), List.of(Duration.ofMillis(10), Duration.ofMillis(10)));
        return events;
    }

    private static SimTask create(SimulatedDashScope model, ApiKey key, String prompt) throws IOException {
        CreateRules.Accepted request = CreateRules.check(JSON.readTree(R2V.formatted(prompt)));
        return model.create(key, request, List.of(), "digest", "req-" + prompt);
    }

    @Test
    void sendsNoEarlierThanEndPlusDelayOnTheSimulatorsClockAndOnlyOnce() throws Exception {
        receiver = new EventReceiver();
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 10, 10));
        CompletionEvents sender = sender(model);
        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url()), AUTH, Duration.ofSeconds(5)));
        SimTask task = create(model, ALICE, "a");
        SimTask other = create(model, BOB, "b");

        now.set(task.endMs() + 5_000);
        assertThat(sender.tick()).as("not in the very millisecond: it may still be being decided").isZero();
        now.incrementAndGet();
        assertThat(sender.tick()).as("alice's; bob has no target").isEqualTo(1);
        assertThat(sender.tick()).isZero();
        now.addAndGet(60_000);
        assertThat(sender.tick()).isZero();
        JsonNode event = receiver.awaitDelivered(1, 2_000).get(0).body();
        assertThat(event.at("/data/task_id").asText()).isEqualTo(task.id());
        assertThat(event.at("/data/request_id").asText()).isEqualTo("req-a");
        assertThat(event.at("/data/end_time").asText()).isEqualTo(HttpFront.TIME.format(Instant.ofEpochMilli(task.endMs())));
        assertThat(receiver.all()).extracting(r -> r.body().at("/data/task_id").asText()).doesNotContain(other.id());

        // The clock steps back and forward again (a test's fake clock may): the sent ids keep it from repeating.
        now.set(task.endMs());
        assertThat(sender.tick()).isZero();
        now.set(task.endMs() + 10_000);
        assertThat(sender.tick()).isZero();

        // A reset forgets them (and the counters): the same steps send it again.
        await(() -> sender.counters().get("events_sent").asInt() == 1, 2_000);
        sender.reset();
        assertThat(sender.counters().get("events_sent").asInt()).isZero();
        now.set(task.endMs());
        assertThat(sender.tick()).isZero();
        now.set(task.endMs() + 10_000);
        assertThat(sender.tick()).isEqualTo(1);
        receiver.awaitDelivered(2, 2_000);
    }

    @Test
    void aCanceledTaskIsAnnouncedAtItsCancel() throws Exception {
        receiver = new EventReceiver();
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(60, 10, 10));
        CompletionEvents sender = sender(model);
        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url()), AUTH, Duration.ZERO));
        SimTask task = create(model, ALICE, "a");
        now.addAndGet(1_000);
        assertThat(sender.tick()).isZero();
        model.cancel(ALICE, task.id());
        // Cancelled in the millisecond of that tick, yet not missed by the next one.
        now.incrementAndGet();
        assertThat(sender.tick()).isEqualTo(1);
        JsonNode event = receiver.awaitDelivered(1, 2_000).get(0).body();
        assertThat(event.at("/data/task_status").asText()).isEqualTo("CANCELED");
        assertThat(Instant.parse(event.get("time").asText())).isEqualTo(Instant.ofEpochMilli(T0 + 1_000));
    }

    @Test
    void tasksEndedBeforeTheTargetsWereSetOrPastRetentionOrWhilePausedAreNotAnnounced() throws Exception {
        receiver = new EventReceiver();
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 1, 1).withRates(100, 100)
                .withRetention(Duration.ofHours(1)));
        CompletionEvents sender = sender(model);
        create(model, ALICE, "before");
        now.addAndGet(2_000);
        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url()), AUTH, Duration.ZERO));
        assertThat(sender.tick()).as("due before the targets were set").isZero();

        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url()), AUTH, Duration.ofHours(2)));
        create(model, ALICE, "expires before its delivery");
        now.addAndGet(Duration.ofHours(3).toMillis());
        assertThat(sender.tick()).isZero();

        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url()), AUTH, Duration.ZERO));
        sender.pause(true);
        create(model, ALICE, "paused");
        now.addAndGet(2_000);
        assertThat(sender.tick()).isZero();
        sender.pause(false);
        assertThat(sender.tick()).as("dropped for good, not held").isZero();
        SimTask later = create(model, ALICE, "later");
        now.addAndGet(2_000);
        assertThat(sender.tick()).isEqualTo(1);
        assertThat(receiver.awaitDelivered(1, 2_000)).extracting(r -> r.body().at("/data/task_id").asText())
                .containsExactly(later.id());
    }

    @Test
    void aDeliveryIsDroppedAfterThreeFailedAttempts() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        receiver = new EventReceiver(attempt -> 503);
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 1, 1).withRates(100, 100));
        CompletionEvents sender = sender(model);
        sender.configure(new EventTargets(Map.of("sk-alice", receiver.url(),
                "sk-bob", URI.create("http://127.0.0.1:" + closedPort + "/")), AUTH, Duration.ZERO));
        create(model, ALICE, "a");
        create(model, BOB, "b");
        now.addAndGet(2_000);
        assertThat(sender.tick()).isEqualTo(2);

        await(() -> sender.counters().get("events_failed").asInt() == 2, 3_000);
        assertThat(receiver.all()).extracting(EventReceiver.Received::answered).containsExactly(503, 503, 503);
        assertThat(sender.counters().get("events_sent").asInt()).isZero();
    }
}
