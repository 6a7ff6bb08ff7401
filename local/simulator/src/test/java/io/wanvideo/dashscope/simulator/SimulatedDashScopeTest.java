package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model alone, on a fake clock: no HTTP, no sleeps. */
class SimulatedDashScopeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ApiKey ALICE = ApiKey.of("sk-alice");
    private static final ApiKey BOB = ApiKey.of("sk-bob");
    private static final long T0 = 1_700_000_000_000L;

    private final AtomicLong now = new AtomicLong(T0);

    private SimulatedDashScope model(SimulatorSettings settings) {
        return new SimulatedDashScope(settings, now::get, TaskJournal.inMemory());
    }

    private static CreateRules.Accepted r2v(String prompt) {
        return request("wan2.7-r2v", prompt);
    }

    private static CreateRules.Accepted request(String model, String prompt) {
        String body = model.equals("wan2.7-r2v")
                ? "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"" + prompt + "\",\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}}"
                : "{\"model\":\"" + model + "\",\"input\":{\"prompt\":\"" + prompt + "\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/f.png\"}]}}";
        try {
            return CreateRules.check(JSON.readTree(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SimTask create(SimulatedDashScope model, ApiKey key, CreateRules.Accepted request) {
        return model.create(key, request, List.of(), "digest", "req-" + request.prompt());
    }

    @Test
    void aTaskMovesPendingRunningSucceededOnTheClock() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(2, 10, 10));
        SimTask task = create(model, ALICE, r2v("a cat"));
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("PENDING");
        now.addAndGet(2_000);
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("RUNNING");
        now.addAndGet(9_999);
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("RUNNING");
        now.addAndGet(1);
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void concurrencyIsPerKeyAndPerModel() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(100, 100));
        for (int i = 0; i < 5; i++) {
            create(model, ALICE, r2v("a" + i));
        }
        assertThatThrownBy(() -> create(model, ALICE, r2v("a5"))).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.status).isEqualTo(429);
            assertThat(r.code).isEqualTo("Throttling.RateQuota");
        });
        // Another account, and another model of the same account, have their own slots.
        for (int i = 0; i < 5; i++) {
            create(model, BOB, r2v("b" + i));
        }
        create(model, ALICE, request("wan2.7-i2v", "i"));
        now.addAndGet(10_000);
        create(model, ALICE, r2v("a6"));

        var stats = model.stats(Map.of());
        assertThat(stats.at("/per_key/" + ALICE.label() + "/per_model/wan2.7-r2v/max_concurrent").asInt()).isEqualTo(5);
        assertThat(stats.at("/per_key/" + BOB.label() + "/max_concurrent").asInt()).isEqualTo(5);
        assertThat(stats.get("max_concurrent").asInt()).isEqualTo(11);
    }

    @Test
    void theCreateRateIsPerKeyAndModel() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withConcurrency(100, SimulatorSettings.ConcurrencyMode.REJECT));
        for (int i = 0; i < 5; i++) {
            create(model, ALICE, r2v("a" + i));
        }
        assertThatThrownBy(() -> create(model, ALICE, r2v("a5"))).isInstanceOf(Refusal.class);
        create(model, BOB, r2v("b"));
        create(model, ALICE, request("wan2.7-i2v", "i"));
        now.addAndGet(999);
        assertThatThrownBy(() -> create(model, ALICE, r2v("a6"))).isInstanceOf(Refusal.class);
        now.addAndGet(1);
        create(model, ALICE, r2v("a7"));
    }

    @Test
    void queriesAndListingsHaveTheirOwnRatePerKey() {
        SimulatedDashScope model = model(SimulatorSettings.defaults());
        for (int i = 0; i < 20; i++) {
            model.query(ALICE, "x");
        }
        assertThatThrownBy(() -> model.query(ALICE, "x")).isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.status).isEqualTo(429));
        model.query(BOB, "x");
        // The listing's 20 per second are its own, not the query's.
        for (int i = 0; i < 20; i++) {
            model.list(ALICE, Map.of());
        }
        assertThatThrownBy(() -> model.list(ALICE, Map.of())).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.status).isEqualTo(429);
            assertThat(r.code).isEqualTo("Throttling.RateQuota");
        });
        now.addAndGet(1_000);
        model.query(ALICE, "x");
        model.list(ALICE, Map.of());
    }

    @Test
    void anotherAccountsTaskIsUnknownToo() {
        SimulatedDashScope model = model(SimulatorSettings.defaults());
        SimTask task = create(model, ALICE, r2v("mine"));
        assertThat(model.query(BOB, task.id()).status()).isEqualTo("UNKNOWN");
        assertThat(model.query(BOB, task.id()).task()).isNull();
        assertThatThrownBy(() -> model.cancel(BOB, task.id())).hasMessageContaining("No such task");
        assertThat(model.list(BOB, Map.of()).total()).isZero();
    }

    @Test
    void cancelTakesOnlyPendingTasksAndFreesTheSlotAtOnce() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(60, 10, 10).withRates(100, 100));
        List<SimTask> held = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(create(model, ALICE, r2v("a" + i)));
        }
        assertThatThrownBy(() -> create(model, ALICE, r2v("full"))).isInstanceOf(Refusal.class);
        model.cancel(ALICE, held.get(0).id());
        assertThat(model.query(ALICE, held.get(0).id()).status()).isEqualTo("CANCELED");
        create(model, ALICE, r2v("fits now"));

        now.addAndGet(61_000);
        assertThatThrownBy(() -> model.cancel(ALICE, held.get(1).id())).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.status).isEqualTo(400);
            assertThat(r.code).isEqualTo("UnsupportedOperation");
            assertThat(r.getMessage()).startsWith("Failed to cancel the task, please confirm if the task is in PENDING status.")
                    .contains("is RUNNING");
        });
        assertThatThrownBy(() -> model.cancel(ALICE, held.get(0).id())).hasMessageContaining("is CANCELED");
    }

    @Test
    void retentionForgetsTasksAndSaysSoApartFromUnknownIds() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(3600, 5, 5).withRetention(Duration.ofHours(24)));
        SimTask task = create(model, ALICE, r2v("old"));
        now.addAndGet(Duration.ofHours(24).toMillis() - 1);
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("SUCCEEDED");
        assertThat(model.list(ALICE, Map.of()).total()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(model.query(ALICE, task.id()).status()).isEqualTo("UNKNOWN");
        assertThat(model.list(ALICE, Map.of("task_id", task.id())).total()).isZero();
        assertThatThrownBy(() -> model.cancel(ALICE, task.id())).hasMessageContaining("has expired")
                .hasMessageContaining("24 h retention");
        assertThatThrownBy(() -> model.cancel(ALICE, "no-such-id")).hasMessageContaining("No such task: no-such-id");
    }

    @Test
    void endedBetweenFindsTasksByTheirEndOrCancelOnTheClock() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 5, 5).withRates(100, 100)
                .withRetention(Duration.ofHours(1)));
        SimTask one = create(model, ALICE, r2v("one sim:run=1"));
        SimTask two = create(model, BOB, r2v("two sim:run=2"));
        SimTask failing = create(model, ALICE, r2v("f sim:run=2 sim:fail=DataInspectionFailed"));
        SimTask canceled = create(model, ALICE, r2v("c sim:pending=60"));
        now.addAndGet(500);
        model.cancel(ALICE, canceled.id());
        SimTask running = create(model, ALICE, r2v("r sim:run=10"));

        // (after, upTo]: the lower bound is open, the upper closed; earliest first, then by id; every account.
        assertThat(model.endedBetween(T0, T0 + 499)).isEmpty();
        assertThat(model.endedBetween(T0, T0 + 500)).extracting(SimTask::id).containsExactly(canceled.id());
        assertThat(model.endedBetween(T0 + 500, T0 + 1_000)).extracting(SimTask::id).containsExactly(one.id());
        assertThat(model.endedBetween(T0 + 1_000, T0 + 2_000)).extracting(SimTask::id)
                .containsExactlyElementsOf(java.util.stream.Stream.of(two.id(), failing.id()).sorted().toList());
        assertThat(model.endedBetween(T0, T0 + 2_000)).extracting(SimTask::id).hasSize(4).doesNotContain(running.id());
        // The cancelled task is over at its cancel, not at the end it would have had.
        assertThat(model.endedBetween(T0 + 2_000, T0 + 120_000)).extracting(SimTask::id).containsExactly(running.id());

        // Past retention (counted from each task's creation) nothing is left to announce.
        now.set(T0 + 500 + Duration.ofHours(1).toMillis());
        assertThat(model.endedBetween(T0, T0 + 120_000)).isEmpty();
    }

    @Test
    void listingFiltersByTimeModelStatusAndTaskId() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 10, 10).withRates(100, 1000));
        SimTask early = create(model, ALICE, r2v("early"));
        now.addAndGet(Duration.ofHours(2).toMillis());
        SimTask i2v = create(model, ALICE, request("wan2.7-i2v", "i2v"));
        now.addAndGet(5_000);
        SimTask running = create(model, ALICE, r2v("running"));
        create(model, BOB, r2v("bob's"));
        now.addAndGet(5_000);

        // Defaults: the last 24 hours, newest first, page 1 of 10.
        SimulatedDashScope.TaskPage all = model.list(ALICE, Map.of());
        assertThat(ids(all)).containsExactly(running.id(), i2v.id(), early.id());
        assertThat(all.pageNo()).isEqualTo(1);
        assertThat(all.pageSize()).isEqualTo(10);

        assertThat(ids(model.list(ALICE, Map.of("model_name", "wan2.7-i2v")))).containsExactly(i2v.id());
        assertThat(ids(model.list(ALICE, Map.of("status", "SUCCEEDED")))).containsExactly(i2v.id(), early.id());
        assertThat(ids(model.list(ALICE, Map.of("status", "RUNNING")))).containsExactly(running.id());
        assertThat(ids(model.list(ALICE, Map.of("task_id", early.id())))).containsExactly(early.id());

        // start_time and end_time are whole seconds, in UTC+8, both included.
        Map<String, String> window = Map.of("start_time", ListQuery.format(i2v.createdMs()),
                "end_time", ListQuery.format(running.createdMs()));
        assertThat(ids(model.list(ALICE, window))).containsExactly(running.id(), i2v.id());
        assertThat(ListQuery.format(T0)).isEqualTo("20231115061320");
        assertThat(ids(model.list(ALICE, Map.of("end_time", ListQuery.format(early.createdMs()))))).containsExactly(early.id());
        assertThat(ids(model.list(ALICE, Map.of("start_time", ListQuery.format(i2v.createdMs() + 1_000))))).containsExactly(running.id());
    }

    @Test
    void listingRefusesWhatItCannotRead() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withListRate(100));
        Map<String, Map<String, String>> refused = Map.of(
                "over a day", Map.of("start_time", "20231114000000", "end_time", "20231115000001"),
                "backwards", Map.of("start_time", "20231115000000", "end_time", "20231114000000"),
                "not a time", Map.of("start_time", "2023-11-14 00:00:00"),
                "not a date", Map.of("end_time", "20231131000000"),
                "no such status", Map.of("status", "DONE"),
                "page zero", Map.of("page_no", "0"),
                "page too big", Map.of("page_size", "101"),
                "page not a number", Map.of("page_size", "ten"));
        refused.forEach((name, params) -> assertThatThrownBy(() -> model.list(ALICE, params)).as(name)
                .isInstanceOfSatisfying(Refusal.class, r -> {
                    assertThat(r.status).isEqualTo(400);
                    assertThat(r.code).isEqualTo("InvalidParameter");
                }));
        assertThat(model.list(ALICE, Map.of("start_time", "20231114000000", "end_time", "20231115000000")).total()).isZero();
    }

    @Test
    void listingPages() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withRates(100, 100).withConcurrency(100,
                SimulatorSettings.ConcurrencyMode.REJECT));
        List<String> newestFirst = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.add(0, create(model, ALICE, r2v("t" + i)).id());
            now.addAndGet(10);
        }
        SimulatedDashScope.TaskPage second = model.list(ALICE, Map.of("page_no", "2", "page_size", "2"));
        assertThat(ids(second)).containsExactlyElementsOf(newestFirst.subList(2, 4));
        assertThat(second.total()).isEqualTo(5);
        assertThat(second.totalPages()).isEqualTo(3);
        assertThat(ids(model.list(ALICE, Map.of("page_no", "3", "page_size", "2")))).containsExactly(newestFirst.get(4));
        SimulatedDashScope.TaskPage beyond = model.list(ALICE, Map.of("page_no", "4", "page_size", "2"));
        assertThat(beyond.items()).isEmpty();
        assertThat(beyond.total()).isEqualTo(5);
    }

    @Test
    void aResultUrlServesUntilItsTtlAfterTheTaskEndedThenAnswersExpired() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 10, 10).withUrlTtl(Duration.ofHours(1)));
        SimTask task = create(model, ALICE, r2v("v"));
        now.addAndGet(10_000);
        String path = model.videoPath(task);
        Map<String, String> query = query(path);
        long end = task.endMs();
        assertThat(Long.parseLong(query.get("Expires"))).isEqualTo((end + 3_600_000) / 1000);
        assertThat(access(model, task.id(), query)).isEqualTo(ResultUrl.Access.GRANTED);

        // A tampered expiry does not verify; a missing signature is refused like a private OSS object.
        Map<String, String> tampered = new HashMap<>(query);
        tampered.put("Expires", Long.toString(Long.parseLong(query.get("Expires")) + 3600));
        assertThat(access(model, task.id(), tampered)).isEqualTo(ResultUrl.Access.BAD_SIGNATURE);
        assertThat(model.videoAccess(task.id(), null, null)).isEqualTo(ResultUrl.Access.UNSIGNED);
        assertThat(access(model, "other-id", query)).isEqualTo(ResultUrl.Access.BAD_SIGNATURE);

        now.set(end + 3_600_000);
        assertThat(access(model, task.id(), query)).isEqualTo(ResultUrl.Access.GRANTED);
        now.set(end + 3_601_000);
        assertThat(access(model, task.id(), query)).isEqualTo(ResultUrl.Access.EXPIRED);
    }

    @Test
    void noVideoBeforeTheTaskSucceeded() {
        SimulatedDashScope model = model(SimulatorSettings.defaults().withTiming(0, 10, 10));
        SimTask task = create(model, ALICE, r2v("v"));
        Map<String, String> query = query(model.videoPath(task));
        assertThat(access(model, task.id(), query)).isEqualTo(ResultUrl.Access.NO_SUCH_KEY);
        SimTask failing = create(model, ALICE, r2v("x sim:fail=DataInspectionFailed"));
        now.addAndGet(10_000);
        assertThat(access(model, failing.id(), query(model.videoPath(failing)))).isEqualTo(ResultUrl.Access.NO_SUCH_KEY);
        assertThat(access(model, task.id(), query)).isEqualTo(ResultUrl.Access.GRANTED);
    }

    @Test
    void tasksSurviveARestartOnTheSameDataDirectory(@TempDir Path dir) {
        SimulatorSettings settings = SimulatorSettings.defaults().withTiming(5, 10, 10).withDataDir(dir);
        SimTask done;
        SimTask canceled;
        MediaReceipt receipt = new MediaReceipt("input.media[0].url", "reference_image", "http://127.0.0.1:1/a.png",
                MediaReceipt.DOWNLOADED, 3L, "abc");
        try (TaskJournal journal = TaskJournal.open(dir)) {
            SimulatedDashScope first = new SimulatedDashScope(settings, now::get, journal);
            done = first.create(ALICE, r2v("kept"), List.of(receipt), "digest-1", "req-1");
            canceled = create(first, ALICE, r2v("dropped"));
            first.cancel(ALICE, canceled.id());
        }
        now.addAndGet(15_000);
        try (TaskJournal journal = TaskJournal.open(dir)) {
            SimulatedDashScope second = new SimulatedDashScope(settings, now::get, journal);
            assertThat(second.query(ALICE, done.id()).status()).isEqualTo("SUCCEEDED");
            assertThat(second.query(ALICE, done.id()).task()).isEqualTo(done);
            assertThat(second.query(ALICE, canceled.id()).status()).isEqualTo("CANCELED");
            assertThat(ids(second.list(ALICE, Map.of()))).containsExactlyInAnyOrder(done.id(), canceled.id());
            assertThat(access(second, done.id(), query(second.videoPath(done)))).isEqualTo(ResultUrl.Access.GRANTED);
            assertThat(second.tasks().get(0)).containsEntry("key", ALICE.label()).containsEntry("inputs_digest", "digest-1")
                    .containsEntry("prompt", "kept");
        }
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheJournalGoesOn(@TempDir Path dir) throws IOException {
        SimulatorSettings settings = SimulatorSettings.defaults().withDataDir(dir);
        SimTask kept;
        try (TaskJournal journal = TaskJournal.open(dir)) {
            kept = create(new SimulatedDashScope(settings, now::get, journal), ALICE, r2v("kept"));
        }
        Files.writeString(dir.resolve(TaskJournal.FILE_NAME), "{\"event\":\"created\",\"task\":{\"id\":\"torn",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        SimTask after;
        try (TaskJournal journal = TaskJournal.open(dir)) {
            SimulatedDashScope model = new SimulatedDashScope(settings, now::get, journal);
            assertThat(model.tasks()).hasSize(1);
            after = create(model, ALICE, request("wan2.7-i2v", "after"));
        }
        try (TaskJournal journal = TaskJournal.open(dir)) {
            assertThat(journal.loaded()).extracting(SimTask::id).containsExactly(kept.id(), after.id());
        }
    }

    @Test
    void resetForgetsTheJournalToo(@TempDir Path dir) {
        SimulatorSettings settings = SimulatorSettings.defaults().withDataDir(dir);
        try (TaskJournal journal = TaskJournal.open(dir)) {
            SimulatedDashScope model = new SimulatedDashScope(settings, now::get, journal);
            create(model, ALICE, r2v("gone"));
            model.reset();
        }
        try (TaskJournal journal = TaskJournal.open(dir)) {
            assertThat(journal.loaded()).isEmpty();
        }
    }

    @Test
    void oneDataDirectoryServesOneSimulatorAtATime(@TempDir Path dir) {
        try (TaskJournal first = TaskJournal.open(dir)) {
            assertThatThrownBy(() -> TaskJournal.open(dir)).hasMessageContaining("in use by another simulator");
        }
        TaskJournal.open(dir).close();
    }

    private static ResultUrl.Access access(SimulatedDashScope model, String id, Map<String, String> query) {
        return model.videoAccess(id, query.get("Expires"), query.get("Signature"));
    }

    private static Map<String, String> query(String path) {
        Map<String, String> params = new HashMap<>();
        for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], kv[1]);
        }
        return params;
    }

    private static List<String> ids(SimulatedDashScope.TaskPage page) {
        return page.items().stream().map(t -> t.task().id()).toList();
    }
}
