package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.Fault;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.testing.Crashes;
import io.wanvideo.gateway.testing.GatewayHarness;
import io.wanvideo.gateway.testing.StoreInvariants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task's whole life through the services, on DynamoDB Local, ElasticMQ and the simulator, with the
 * faults the design promises to survive: duplicated and racing messages, crashes between any two steps,
 * throttling, upstream errors, timeouts and dead letters. After every test the counters match the tasks and no slot
 * is left taken (every test ends its tasks, but for the one that says what it leaves running).
 *
 * <p>Waits are conditions with generous deadlines, never fixed sleeps or measured durations: the machine may be busy.
 */
class TaskLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final SimulatorSettings FAST = SimulatorSettings.defaults().withTiming(0.2, 1, 1);

    private GatewayHarness gateway;
    /** Slots a test leaves taken on purpose, by tasks it leaves running; zero unless the test says otherwise. */
    private int slotsLeftTaken;

    @AfterEach
    void countersMatchTheTasksAndNoSlotIsLeftTaken() {
        if (gateway == null) {
            return;
        }
        try {
            // The counters equal what the tasks hold ...
            StoreInvariants.check(gateway.aws.dynamo(), gateway.table);
            // ... and what they hold is nothing once the test's tasks have ended: a task stuck holding its slot (which
            // the recount above would take for a rightful holder) fails here.
            assertThat(slotsInUse("wan2.7-r2v") + slotsInUse("wan2.7-i2v")).as("slots taken when the test ends")
                    .isEqualTo(slotsLeftTaken);
        } finally {
            gateway.close();
        }
    }

    private String submit(String body) throws Exception {
        return gateway.submit("tenant-a", body);
    }

    private int slotsInUse(String pool) {
        return gateway.realStore.slotsInUse(pool, List.of("default")).total();
    }

    private VideoObject view(VideoTask task) {
        return new VideoViews(s -> new io.wanvideo.gateway.schedule.LogNormal(1, 0.3), ResultLinks.NONE, Duration.ofDays(7),
                java.time.Clock.systemUTC()).of(task);
    }

    private static String r2v(String prompt) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";
    }

    private static String i2v(String prompt) {
        return "{\"model\":\"wan2.7-i2v\",\"prompt\":\"" + prompt + "\","
                + "\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/f.png\"},"
                + "{\"type\":\"driving_audio\",\"url\":\"https://example.com/a.mp3\"}]}";
    }

    private boolean terminal(String id) {
        return gateway.task(id).state().terminal();
    }

    /**
     * Runs the sweep every 100 ms until one run reports what {@code done} looks for; fails after {@link #WAIT}. The
     * grace and timeout periods the sweep compares with have passed by then, however long the machine took.
     */
    private Sweeper.Report sweepUntil(java.util.function.Predicate<Sweeper.Report> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Sweeper.Report report = gateway.poller.sweeper().sweep();
            if (done.test(report)) {
                return report;
            }
            assertThat(System.nanoTime()).as("a sweep that does what the test waits for, within " + WAIT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private int simStat(String name) {
        return gateway.sim.stats().get(name).asInt();
    }

    @Test
    void r2vAndI2vTasksRunToCompletion() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String r2v = submit(r2v("a cat"));
        String i2v = submit(i2v("a dog"));
        assertThat(gateway.task(r2v).publicStatus()).isEqualTo(PublicStatus.QUEUED);
        gateway.pumpUntil(() -> terminal(r2v) && terminal(i2v), WAIT);
        for (String id : List.of(r2v, i2v)) {
            VideoTask task = gateway.task(id);
            assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
            VideoObject object = view(task);
            assertThat(object.status()).isEqualTo(PublicStatus.COMPLETED);
            assertThat(object.progress()).isEqualTo(100);
            assertThat(object.videoUrl()).startsWith(gateway.sim.baseUrl());
            assertThat(object.metadata()).containsEntry("url", object.videoUrl());
            assertThat(object.completedAt()).isNotNull();
            assertThat(object.expiresAt()).isEqualTo(object.completedAt() + 24 * 3600);
            assertThat(object.usage().outputVideoSeconds()).isEqualTo(5.0);
        }
        assertThat(simStat("create_calls")).isEqualTo(2);
    }

    @Test
    void aTaskThatTakesASlotOnArrivalIsCreatedThenNotBehindTheQueuedMessages() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("created on arrival"));
        // Its arrival alone, as the poller takes it from a queue that may hold hundreds of others before the dispatch
        // message the claim sends: that one handling has created it upstream.
        gateway.poller.handle(TaskMessage.advance(gateway.task(id)));
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.RUNNING);
        assertThat(simStat("create_calls")).isEqualTo(1);
        // The messages still queued (the submission's, the claim's) find it moved on: still one create.
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    /**
     * Hands {@code running}'s completion event to the poller until the handling finds it ended (the first events may
     * come before its end upstream, and find it running); returns once that handling is over.
     */
    private void noticeEnd(String running) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!terminal(running)) {
            assertThat(System.nanoTime()).as(running + " ended upstream within " + WAIT).isLessThan(deadline);
            VideoTask task = gateway.task(running);
            gateway.poller.handle(TaskMessage.event(task.account(), task.upstreamId()));
            if (!terminal(running)) {
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aSlotFreedByATasksEndGoesToTheNextTaskCreatedInTheSameHandling() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 1);
        String first = submit(r2v("first"));
        String next = submit(r2v("next"));
        gateway.poller.handle(TaskMessage.advance(gateway.task(first)));
        assertThat(gateway.task(first).state()).isEqualTo(TaskState.RUNNING);
        assertThat(gateway.task(next).state()).isEqualTo(TaskState.QUEUED);
        // The handling that notices the first's end records it, gives its slot to the next task and creates that one
        // upstream, with none of the messages queued meanwhile (the next's arrival, its claim's dispatch) delivered.
        noticeEnd(first);
        assertThat(gateway.task(first).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(gateway.task(next).state()).isEqualTo(TaskState.RUNNING);
        assertThat(simStat("create_calls")).isEqualTo(2);
        // Those messages, delivered now, find it moved on: still one create each.
        gateway.pumpUntil(() -> terminal(next), WAIT);
        assertThat(gateway.task(next).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(2);
    }

    @Test
    void aCreateRefusedInThatHandlingLeavesTheSlotsNextTaskToItsMessage() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 1);
        String first = submit(r2v("first"));
        String refused = submit(r2v("refused sim:reject=400:InvalidParameter"));
        String third = submit(r2v("third"));
        gateway.poller.handle(TaskMessage.advance(gateway.task(first)));
        noticeEnd(first);
        // The slot went to the refused one, created at once and failed; the slot it freed went to the third, whose
        // create was not made inside the refused one's: creates never nest, however many are refused in a row.
        assertThat(gateway.task(refused).error().code()).isEqualTo(TaskErrors.UPSTREAM_REJECTED);
        assertThat(gateway.task(third).state()).isEqualTo(TaskState.DISPATCHING);
        assertThat(simStat("create_calls")).isEqualTo(2);
        gateway.pumpUntil(() -> terminal(third), WAIT);
        assertThat(gateway.task(third).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(3);
    }

    @Test
    void outsideAMessagesHandlingATaskThatTakesASlotIsLeftToItsMessage() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("claimed by the sweep's caller"));
        // A fill called directly (a dead letter's handling, a test) claims the slot and sends the claim's message only.
        assertThat(gateway.poller.scheduler().fill(gateway.task(id).pool(), gateway.task(id))).hasSize(1);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.DISPATCHING);
        assertThat(simStat("create_calls")).isZero();
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aDuplicatedMessageAtEveryStepCreatesOneUpstreamTask() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5, s -> s, Crashes.duplicating(m -> true));
        String id = submit(r2v("dup"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
        // Duplicates die at the first conditional write: the chain of polls does not multiply.
        assertThat(simStat("query_calls")).isLessThanOrEqualTo(2 * gateway.task(id).polls());
    }

    @Test
    void twoPollersRacingOnOneMessageCreateOneUpstreamTask() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("race"));
        // Claim the slot outside a message's handling, which leaves the create to the claim's message, then hand that
        // DISPATCHING message to eight pollers at once.
        assertThat(gateway.poller.scheduler().fill(gateway.task(id).pool(), gateway.task(id))).hasSize(1);
        VideoTask dispatching = gateway.task(id);
        assertThat(dispatching.state()).isEqualTo(TaskState.DISPATCHING);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> racers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racers.add(pool.submit(() -> {
                go.await();
                gateway.poller.advancer().advance(TaskMessage.advance(dispatching));
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : racers) {
            f.get();
        }
        pool.shutdown();
        assertThat(simStat("create_calls")).isEqualTo(1);
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aCrashBetweenTakingASlotAndQueueingTheTaskIsRecoveredByTheSweep() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5, s -> s,
                Crashes.beforeSend(m -> m.version() != null && m.version() == 2, 1));
        String id = submit(r2v("lost message"));
        gateway.pumpOnce();
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.DISPATCHING);
        // Nothing moves it now but the sweep, once its message is overdue by the grace period.
        int requeued = sweepUntil(r -> r.requeued() > 0).requeued();
        assertThat(requeued).isEqualTo(1);
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aRecoverMessageResumesASlotHolderWhoseMessageWasNotDueYet() throws Exception {
        // The local stack was killed right after a create was accepted and restarted with its data: the task is
        // SUBMITTING, its message went with the old queue and its due time (the orphan check) is minutes ahead.
        // The recover message must settle it now; waiting for the sweep would hold its slot for the grace too.
        PollerSettings q = GatewayHarness.quickSettings();
        PollerSettings patientSweep = new PollerSettings(q.taskTimeout(), q.queueTimeout(), q.dispatchTimeout(),
                Duration.ofMinutes(10), q.createTimeout(), q.maxTransientAttempts(), q.videoUrlLifetime(),
                q.accountProbeEvery());
        gateway = new GatewayHarness(FAST, patientSweep, 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.RUNNING, 5),
                Crashes.beforeSend(m -> m.upstreamId() != null, 1));
        String id = submit(r2v("killed after create"));
        gateway.pumpUntil(() -> gateway.task(id).state() == TaskState.SUBMITTING, WAIT);
        assertThat(gateway.task(id).dueMs()).isGreaterThan(System.currentTimeMillis() + WAIT.toMillis());

        gateway.poller.handle(TaskMessage.recover());
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).error().code()).isEqualTo(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN);
        assertThat(simStat("create_calls")).isEqualTo(1);
        assertThat(slotsInUse("wan2.7-r2v")).isZero();
    }

    @Test
    void aFailedWriteAfterTheCreateCallIsRetriedInPlaceAndTheTaskRunsOnce() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.RUNNING, 2), q -> q);
        String id = submit(r2v("write fails twice after create"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void anUpstreamIdThatCannotBeWrittenTravelsInAMessageAndIsRecordedLater() throws Exception {
        // Every in-place attempt fails (the table is unreachable for a while); the id goes on in a message.
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.RUNNING, 5), q -> q);
        String id = submit(r2v("write fails five times after create"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(gateway.task(id).upstreamId()).isNotBlank();
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aCrashRightAfterTheCreateCallFailsTheTaskRatherThanCreatingItTwice() throws Exception {
        // The process dies after the create was accepted: no write and no message survive it.
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.RUNNING, 5),
                Crashes.beforeSend(m -> m.upstreamId() != null, 1));
        String id = submit(r2v("crash after create"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.error().code()).isEqualTo(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aCrashBeforeTheFinishingWriteIsRetriedAndReleasesOneSlot() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.COMPLETED, 2), q -> q);
        String id = submit(r2v("crash before finish"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(slotsInUse("wan2.7-r2v")).isZero();
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aDroppedCreateIsNeverResubmitted() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        gateway.sim.inject(Fault.dropAfter("create", 1));
        String id = submit(r2v("dropped"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).error().code()).isEqualTo(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void transientCreateErrorsAreRetriedWithBackoff() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        gateway.sim.inject(Fault.error("create", 2, 500, "InternalError"));
        String id = submit(i2v("retry"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(3);
        assertThat(simStat("tasks_created")).isEqualTo(1);
    }

    @Test
    void throttlingNeverFailsATask() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        // More 429s than the transient-error budget allows: they must not count against it.
        int moreThanTheBudget = gateway.settings.maxTransientAttempts() + 1;
        gateway.sim.inject(Fault.error("create", moreThanTheBudget, 429, "Throttling.RateQuota"));
        gateway.sim.inject(Fault.error("query", 2, 429, "Throttling.RateQuota"));
        String id = submit(r2v("throttled"));
        gateway.pumpUntil(() -> terminal(id), Duration.ofSeconds(90));
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("throttled")).isEqualTo(moreThanTheBudget + 2);
    }

    @Test
    void persistentServerErrorsEventuallyFailTheTaskWithTheUpstreamCode() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        gateway.sim.inject(Fault.error("create", 100, 503, "ServiceUnavailable"));
        String id = submit(r2v("down"));
        gateway.pumpUntil(() -> terminal(id), Duration.ofSeconds(60));
        assertThat(gateway.task(id).error().code()).isEqualTo("ServiceUnavailable");
        assertThat(simStat("create_calls")).isEqualTo(gateway.settings.maxTransientAttempts());
    }

    @Test
    void upstreamRefusalsAndFailuresEndTheTaskWithTheirCodes() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String rejected = submit(r2v("sim:reject=400:InvalidParameter"));
        String inspected = submit(r2v("sim:fail=DataInspectionFailed"));
        String vanished = submit(i2v("sim:fail=IPInfringementSuspect"));
        gateway.pumpUntil(() -> terminal(rejected) && terminal(inspected) && terminal(vanished), WAIT);
        assertThat(gateway.task(rejected).error().code()).isEqualTo(TaskErrors.UPSTREAM_REJECTED);
        assertThat(gateway.task(rejected).error().message()).contains("InvalidParameter");
        assertThat(gateway.task(inspected).error().code()).isEqualTo("DataInspectionFailed");
        assertThat(gateway.task(vanished).error().code()).isEqualTo("IPInfringementSuspect");
        assertThat(view(gateway.task(inspected)).status()).isEqualTo(PublicStatus.FAILED);
    }

    @Test
    void aTaskTheUpstreamForgetsFailsAsNotFound() throws Exception {
        gateway = new GatewayHarness(FAST.withRetention(Duration.ofMillis(800)).withTiming(0, 5, 5),
                GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("forgotten"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).error().code()).isEqualTo(TaskErrors.UPSTREAM_TASK_NOT_FOUND);
    }

    @Test
    void queryErrorsDoNotFailTheTask() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        gateway.sim.inject(Fault.error("query", 2, 500, "InternalError"));
        gateway.sim.inject(Fault.malformed("query", 1));
        String id = submit(i2v("flaky queries"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void neverRunsMoreTasksThanSlotsAndStartsThemInSubmissionOrder() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 2);
        List<String> ids = submitInOrder(7);
        gateway.pumpUntil(() -> ids.stream().allMatch(this::terminal), Duration.ofSeconds(60));
        assertThat(ids).allMatch(id -> gateway.task(id).state() == TaskState.COMPLETED);
        assertThat(simStat("max_concurrent")).isEqualTo(2);
        // FIFO: tasks took their slots in submission order (ties within a millisecond broken by submission).
        List<String> slotOrder = ids.stream()
                .sorted(Comparator.comparing((String id) -> gateway.task(id).dispatchedMs()).thenComparing(ids::indexOf))
                .toList();
        assertThat(slotOrder).isEqualTo(ids);
    }

    /** Submits {@code n} r2v tasks, each created in a later millisecond, so that submission order is creation order. */
    private List<String> submitInOrder(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(submit(r2v("task " + i)));
            long created = gateway.task(ids.get(i)).createdMs();
            while (System.currentTimeMillis() <= created) {
                Thread.onSpinWait();
            }
        }
        return ids;
    }

    /**
     * A burst: several fills read the same head of a tenant's backlog, each claims one of its tasks, and the index
     * still lists them for the last fill. That fill's own arrival, younger than the tasks beyond the head it read, must
     * not jump them: the oldest task still waiting takes the slot.
     */
    @Test
    void anArrivalNeverTakesASlotAheadOfOlderTasksTheIndexWindowDidNotReach() throws Exception {
        List<BacklogEntry> staleHead = new ArrayList<>();
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5, store -> intercepting(store, (method, args) ->
                method.getName().equals("backlogHead") && !staleHead.isEmpty() && (int) args[2] == staleHead.size()
                        ? List.copyOf(staleHead) // what the index showed before the other fills' claims
                        : NOT_INTERCEPTED), q -> q);
        List<String> ids = submitInOrder(6);
        staleHead.addAll(gateway.realStore.backlogHead("wan2.7-r2v", "tenant-a", 4));
        assertThat(staleHead).extracting(BacklogEntry::taskId).isEqualTo(ids.subList(0, 4));
        for (String id : ids.subList(0, 4)) {
            VideoTask queued = gateway.task(id);
            gateway.realStore.claim(queued, queued.next().state(TaskState.DISPATCHING).account("default")
                    .dispatchedMs(System.currentTimeMillis()).dueMs(System.currentTimeMillis()).attempts(0).build(), 5, null);
        }

        List<VideoTask> started = gateway.poller.scheduler().fill("wan2.7-r2v", gateway.task(ids.get(5)));

        assertThat(started).extracting(VideoTask::id).containsExactly(ids.get(4));
        assertThat(gateway.task(ids.get(5)).state()).isEqualTo(TaskState.QUEUED);
        staleHead.clear();
        gateway.pumpUntil(() -> ids.stream().allMatch(this::terminal), Duration.ofSeconds(60));
        List<String> slotOrder = ids.stream()
                .sorted(Comparator.comparing((String id) -> gateway.task(id).dispatchedMs()).thenComparing(ids::indexOf))
                .toList();
        assertThat(slotOrder).isEqualTo(ids);
    }

    /** The fill an arrival makes starts the tenant's oldest tasks, not the arrival, while they are older. */
    @Test
    void anArrivalBehindMoreTasksThanFreeSlotsWaitsItsTurn() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 2);
        List<String> ids = submitInOrder(3);

        List<VideoTask> started = gateway.poller.scheduler().fill("wan2.7-r2v", gateway.task(ids.get(2)));

        assertThat(started).extracting(VideoTask::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(gateway.task(ids.get(2)).state()).isEqualTo(TaskState.QUEUED);
        gateway.pumpUntil(() -> ids.stream().allMatch(this::terminal), Duration.ofSeconds(60));
    }

    /** Another tenant waiting: the slots go by fair share, and within each tenant the oldest task comes first. */
    @Test
    void withAnotherTenantWaitingAnArrivalKeepsItsTenantsOrder() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        List<String> ids = submitInOrder(2);
        String other = gateway.submit("tenant-b", r2v("another tenant's"));

        List<VideoTask> started = gateway.poller.scheduler().fill("wan2.7-r2v", gateway.task(ids.get(1)));

        assertThat(started).extracting(VideoTask::id).containsExactlyInAnyOrder(ids.get(0), ids.get(1), other);
        assertThat(started.stream().map(VideoTask::id).filter(ids::contains).toList()).containsExactly(ids.get(0), ids.get(1));
        gateway.pumpUntil(() -> ids.stream().allMatch(this::terminal) && terminal(other), Duration.ofSeconds(60));
    }

    /**
     * The sweep re-enqueues a SUBMITTING task whose message is overdue (a version step) just as its create's answer is
     * being recorded: the answer still belongs to the task, so it is recorded on the new version, not dropped.
     */
    @Test
    void aCreatesAnswerIsRecordedEvenIfTheSweepTouchedItsTaskMeanwhile() throws Exception {
        boolean[] touched = {false};
        TaskStore[] real = new TaskStore[1];
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5, store -> {
            real[0] = store;
            return intercepting(store, (method, args) -> {
                if (method.getName().equals("transition") && ((VideoTask) args[1]).state() == TaskState.RUNNING && !touched[0]) {
                    touched[0] = true;
                    VideoTask current = (VideoTask) args[0];
                    real[0].transition(current, current.next().dueMs(System.currentTimeMillis()).build()); // the sweep's step
                }
                return NOT_INTERCEPTED;
            });
        }, q -> q);
        String id = submit(r2v("touched while recorded"));
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(touched[0]).isTrue();
        assertThat(gateway.task(id).state()).as(() -> "ended with " + gateway.task(id).error()).isEqualTo(TaskState.COMPLETED);
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    private static final Object NOT_INTERCEPTED = new Object();

    /** The store, with {@code calls} given each call first: what it answers other than NOT_INTERCEPTED is the answer. */
    private static TaskStore intercepting(TaskStore store, java.util.function.BiFunction<java.lang.reflect.Method, Object[], Object> calls) {
        return (TaskStore) java.lang.reflect.Proxy.newProxyInstance(TaskStore.class.getClassLoader(), new Class<?>[] {TaskStore.class},
                (proxy, method, args) -> {
                    Object answer = calls.apply(method, args);
                    if (answer != NOT_INTERCEPTED) {
                        return answer;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void createsAndQueriesStayWithinTheRateLimitsAcrossConcurrentPollers() throws Exception {
        // 30 slots and a simulator that would run 100 at once: only the rate gates hold the calls back.
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 3, 3)
                .withConcurrency(100, SimulatorSettings.ConcurrencyMode.REJECT), GatewayHarness.quickSettings(), 30);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(submit(i % 2 == 0 ? r2v("burst " + i) : i2v("burst " + i)));
        }
        long before = System.currentTimeMillis();
        gateway.pumpUntil(() -> ids.stream().allMatch(this::terminal), Duration.ofSeconds(90));
        assertThat(ids).allMatch(id -> gateway.task(id).state() == TaskState.COMPLETED);
        // The gates space each kind of call at least an interval apart (the harness's account: 5 creates a second per
        // model, 20 queries a second), so the n-th call of a kind cannot reach the simulator before (n - 1) intervals
        // have passed since the pumping began. A busy machine only makes the calls later; without the gates the burst's
        // creates would all arrive at once.
        List<Map<String, Object>> calls = gateway.sim.calls();
        long createInterval = io.wanvideo.gateway.upstream.AccountLimits.intervalMs(5);
        long queryInterval = io.wanvideo.gateway.upstream.AccountLimits.intervalMs(20);
        Map<String, String> poolOfUpstreamTask = new java.util.HashMap<>();
        ids.forEach(id -> poolOfUpstreamTask.put(gateway.task(id).upstreamId(), gateway.task(id).spec().model().slotPool()));
        for (String pool : List.of("wan2.7-r2v", "wan2.7-i2v")) {
            // Creates that made a task, by the pool of the task they made (each create gate is per pool).
            List<Long> creates = arrivals(calls, c -> c.get("path").toString().endsWith("video-synthesis")
                    && pool.equals(poolOfUpstreamTask.get(c.get("task_id"))));
            assertThat(creates).as("creates in " + pool).hasSize(15);
            assertThat(creates.get(creates.size() - 1) - before).as("last create in " + pool + ", after the pumping began")
                    .isGreaterThanOrEqualTo((creates.size() - 1) * createInterval);
        }
        List<Long> queries = arrivals(calls, c -> c.get("path").toString().startsWith("/api/v1/tasks/"));
        assertThat(queries).hasSizeGreaterThanOrEqualTo(30);
        assertThat(queries.get(queries.size() - 1) - before).isGreaterThanOrEqualTo((queries.size() - 1) * queryInterval);
    }

    /** When the calls matching {@code which} reached the simulator, earliest first. */
    private static List<Long> arrivals(List<Map<String, Object>> calls, java.util.function.Predicate<Map<String, Object>> which) {
        return calls.stream().filter(which).map(c -> ((Number) c.get("at_ms")).longValue()).sorted().toList();
    }

    @Test
    void aBacklogCostsNoQueueTrafficWhileItWaits() throws Exception {
        List<TaskMessage> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 4, 4), GatewayHarness.quickSettings(), 1,
                s -> s, q -> (message, delay) -> {
                    sent.add(message);
                    q.send(message, delay);
                });
        // The holder outlives the test: its slot is the one left taken.
        slotsLeftTaken = 1;
        String holder = submit(r2v("holder sim:run=600"));
        gateway.pumpUntil(() -> gateway.task(holder).state() == TaskState.RUNNING, WAIT);
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(submit(r2v("waiting " + i)));
        }
        // Each waiting task's one wake-up message is consumed; then the queue carries the holder's polls and the
        // sweeps, and nothing for the tasks that wait, through two more sweeps (which look at the backlog).
        gateway.pumpUntil(() -> queueDepth() <= 1, WAIT);
        int sweepsBefore = sweeps(sent);
        gateway.pumpUntil(() -> sweeps(sent) >= sweepsBefore + 2 && queueDepth() <= 1, WAIT);
        assertThat(waiting).allMatch(id -> gateway.task(id).state() == TaskState.QUEUED);
        for (String id : waiting) {
            assertThat(sent.stream().filter(m -> id.equals(m.taskId()))).as("messages for " + id).hasSize(1);
        }
        assertThat(sent).noneMatch(m -> TaskMessage.FILL.equals(m.kind()));
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    private static int sweeps(List<TaskMessage> sent) {
        return (int) sent.stream().filter(m -> TaskMessage.SWEEP.equals(m.kind())).count();
    }

    private int queueDepth() {
        Map<String, String> attributes = gateway.aws.sqs().getQueueAttributes(g -> g.queueUrl(gateway.queues.pollQueueUrl())
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
                        "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    @Test
    void theSweepFailsATaskRunningPastTheTimeoutAndKeepsItsUpstreamId() throws Exception {
        PollerSettings quick = GatewayHarness.quickSettings();
        var settings = new PollerSettings(Duration.ofSeconds(2), quick.queueTimeout(), quick.dispatchTimeout(),
                Duration.ofSeconds(30), quick.createTimeout(), 4, Duration.ofHours(24), quick.accountProbeEvery());
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 60, 60), settings, 5);
        String id = submit(r2v("slow"));
        gateway.pumpUntil(() -> gateway.task(id).state() == TaskState.RUNNING, WAIT);
        assertThat(sweepUntil(r -> r.timedOut() > 0).timedOut()).isEqualTo(1);
        VideoTask task = gateway.task(id);
        assertThat(task.error().code()).isEqualTo(TaskErrors.TIMEOUT);
        assertThat(task.upstreamId()).isNotBlank();
        assertThat(slotsInUse("wan2.7-r2v")).isZero();
    }

    @Test
    void aDeadLetteredMessageFailsItsTask() throws Exception {
        // Every attempt to move the task dies: after three receives SQS moves the message aside.
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5,
                Crashes.beforeTransition((current, next) -> next.state() == TaskState.DISPATCHING, 100), q -> q);
        String id = submit(r2v("poison"));
        gateway.pumpUntil(() -> gateway.drainDeadLetters() > 0, WAIT);
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.error().code()).isEqualTo(TaskErrors.INTERNAL_ERROR);
        assertThat(task.error().message()).contains(id);
    }

    @Test
    void aStaleDeadLetterIsIgnored() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("fine"));
        gateway.pumpUntil(() -> gateway.task(id).state() == TaskState.RUNNING, WAIT);
        gateway.poller.handleDeadLetter(new TaskMessage(TaskMessage.ADVANCE, id, 2L));
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.RUNNING);
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void aSubmissionWhoseMessageIsLostIsStartedByTheSweep() throws Exception {
        gateway = new GatewayHarness(FAST, GatewayHarness.quickSettings(), 5, s -> s, Crashes.beforeSend(m -> m.version() != null
                && m.version() == 1, 1));
        String id = submit(r2v("no queue"));
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.QUEUED);
        gateway.pumpUntil(() -> terminal(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
    }

    @Test
    void progressNeverDecreasesAndReachesAHundredOnlyAtTheEnd() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0.5, 3, 3), GatewayHarness.quickSettings(), 5);
        String id = submit(r2v("progress"));
        List<Integer> seen = new ArrayList<>();
        var times = new io.wanvideo.gateway.schedule.FixedGenerationTime(new io.wanvideo.gateway.schedule.LogNormal(3.5, 0.3));
        gateway.pumpUntil(() -> {
            VideoTask task = gateway.task(id);
            seen.add(VideoObject.progress(task, System.currentTimeMillis(), times));
            return task.state().terminal();
        }, WAIT);
        assertThat(seen).isSorted();
        assertThat(seen.get(seen.size() - 1)).isEqualTo(100);
        assertThat(seen.subList(0, seen.size() - 1)).allMatch(p -> p < 100);
    }
}
