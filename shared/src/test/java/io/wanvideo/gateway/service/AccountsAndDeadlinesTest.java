package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.Fault;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.testing.Crashes;
import io.wanvideo.gateway.testing.GatewayHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several upstream accounts, a key the upstream refuses, tenants sharing slots, and every state's deadline, through
 * the services on DynamoDB Local, ElasticMQ and the simulator (which enforces its limits per key).
 */
class AccountsAndDeadlinesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private GatewayHarness gateway;

    @AfterEach
    void countersMatchTheTasks() {
        GatewayHarness.closeCheckingCounters(gateway);
    }

    private static String r2v(String prompt) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";
    }

    private boolean ended(String id) {
        return gateway.task(id).state().terminal();
    }

    /** The harness's quick settings with these two deadlines: the backlog's, and a slot holder's create's. */
    private static PollerSettings deadlines(Duration queueTimeout, Duration dispatchTimeout) {
        PollerSettings quick = GatewayHarness.quickSettings();
        return new PollerSettings(quick.taskTimeout(), queueTimeout, dispatchTimeout, quick.orphanGrace(), quick.createTimeout(),
                quick.maxTransientAttempts(), quick.videoUrlLifetime(), quick.accountProbeEvery());
    }

    private AccountStates.AccountStatus status(String account) {
        return gateway.accounts.read(List.of(account)).get(account);
    }

    @Test
    void aRefusedKeyPausesItsAccountAndItsTasksGoToTheOthersUntilTheKeyWorksAgain() throws Exception {
        AtomicReference<String> firstKey = new AtomicReference<>("sk-revoked");
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 2, 2).withApiKeys(List.of("sk-a", "sk-b")))
                .accounts(List.of(new GatewayHarness.Account("a", firstKey::get, 2), new GatewayHarness.Account("b", "sk-b", 2)))
                .start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(gateway.submit("t", r2v("task " + i)));
        }
        gateway.pumpUntil(() -> ids.stream().allMatch(this::ended), WAIT);
        // Nothing failed for the account's trouble: every task ran, all on the account whose key works.
        assertThat(ids).allMatch(id -> gateway.task(id).state() == TaskState.COMPLETED);
        assertThat(ids).allMatch(id -> gateway.task(id).account().equals("b"));
        assertThat(status("a").paused()).isTrue();
        assertThat(status("a").reason()).contains("InvalidApiKey");
        assertThat(gateway.sim.stats().at("/per_key").size()).isEqualTo(1);

        // The key is fixed (rotated in its store): the sweep's probe resumes the account, and new work goes to it.
        firstKey.set("sk-a");
        Thread.sleep(gateway.settings.accountProbeEvery().toMillis());
        assertThat(gateway.poller.health().probePaused()).containsExactly("a");
        assertThat(status("a").paused()).isFalse();
        List<String> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            more.add(gateway.submit("t", r2v("after the fix " + i)));
        }
        gateway.pumpUntil(() -> more.stream().allMatch(this::ended), WAIT);
        assertThat(more).allMatch(id -> gateway.task(id).state() == TaskState.COMPLETED);
        assertThat(more).anyMatch(id -> gateway.task(id).account().equals("a"));
    }

    @Test
    void twoAccountsRunTwiceAsManyTasksAtOnceAndNeverMoreThanEachAllows() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 2, 2).withApiKeys(List.of("sk-a", "sk-b"))
                        .withConcurrency(2, SimulatorSettings.ConcurrencyMode.REJECT))
                .accounts(List.of(new GatewayHarness.Account("a", "sk-a", 2), new GatewayHarness.Account("b", "sk-b", 2)))
                .start();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(gateway.submit("t", r2v("spread " + i)));
        }
        gateway.pumpUntil(() -> ids.stream().allMatch(this::ended), WAIT);
        assertThat(ids).allMatch(id -> gateway.task(id).state() == TaskState.COMPLETED);
        assertThat(gateway.sim.stats().get("throttled").asInt()).isZero();
        assertThat(gateway.sim.stats().get("max_concurrent").asInt()).isEqualTo(4);
        gateway.sim.stats().get("per_key").forEach(key -> assertThat(key.get("max_concurrent").asInt()).isEqualTo(2));
    }

    @Test
    void aTenantArrivingBehindAnotherTenantsBacklogGetsTheNextFreeSlots() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 1.5, 1.5)).slots(2).start();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(gateway.submit("big", r2v("big " + i)));
        }
        gateway.pumpUntil(() -> first.stream().filter(id -> gateway.task(id).state().holdsSlot()).count() == 2, WAIT);
        List<String> second = List.of(gateway.submit("small", r2v("small 0")), gateway.submit("small", r2v("small 1")));
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        gateway.pumpUntil(() -> all.stream().allMatch(this::ended), Duration.ofSeconds(90));
        // The order slots were taken in: after the tenant's arrival, its tasks alternate with the other tenant's
        // (fewest running first), rather than waiting behind the eight tasks queued before them.
        List<VideoTask> byStart = all.stream().map(gateway::task).sorted(Comparator.comparing(VideoTask::dispatchedMs)).toList();
        int firstSmall = byStart.indexOf(byStart.stream().filter(t -> t.tenant().equals("small")).findFirst().orElseThrow());
        int secondSmall = byStart.indexOf(byStart.stream().filter(t -> t.tenant().equals("small")).skip(1).findFirst().orElseThrow());
        assertThat(firstSmall).as("the first small task's turn").isEqualTo(2);
        assertThat(secondSmall).as("the second small task's turn").isLessThanOrEqualTo(4);
        // Within a tenant, first come first served.
        List<String> bigOrder = byStart.stream().filter(t -> t.tenant().equals("big")).map(VideoTask::id).toList();
        assertThat(bigOrder).isEqualTo(first);
    }

    @Test
    void aTaskWaitingInTheBacklogPastItsDeadlineFailsAndNothingIsCreated() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 30, 30)).slots(1)
                .settings(deadlines(Duration.ofSeconds(2), GatewayHarness.quickSettings().dispatchTimeout())).start();
        String holder = gateway.submit("t", r2v("holder"));
        gateway.pumpUntil(() -> gateway.task(holder).state() == TaskState.RUNNING, WAIT);
        String waiting = gateway.submit("t", r2v("waits too long"));
        gateway.pumpUntil(() -> ended(waiting), WAIT);
        assertThat(gateway.task(waiting).error().code()).isEqualTo(TaskErrors.QUEUE_TIMEOUT);
        assertThat(gateway.sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    @Test
    void theSweepGaugesTheBacklogItReadsOnceLessWhatItExpired() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 60, 60)).slots(1)
                .settings(deadlines(Duration.ofSeconds(4), GatewayHarness.quickSettings().dispatchTimeout())).start();
        String holder = gateway.submit("t", r2v("holder"));
        gateway.pumpUntil(() -> gateway.task(holder).state() == TaskState.RUNNING, WAIT);
        List<String> waiting = List.of(gateway.submit("t", r2v("waits 1")), gateway.submit("u", r2v("waits 2")),
                gateway.submit("u", r2v("waits 3")));
        assertThat(waiting).allMatch(id -> gateway.task(id).state() == TaskState.QUEUED);
        String pool = gateway.task(holder).pool();
        String account = gateway.task(holder).account();
        long firstWaiting = gateway.task(waiting.get(0)).createdMs();

        java.util.Map<String, Double> gauges = new java.util.concurrent.ConcurrentHashMap<>();
        io.wanvideo.gateway.metrics.Metrics.install((metric, value, dimensions) ->
                gauges.put(metric.name() + String.join("/", dimensions), value));
        try {
            gateway.poller.sweeper().sweep();
            long afterFirst = System.currentTimeMillis();
            assertThat(gauges.get("BACKLOG_DEPTH" + pool)).isEqualTo(3.0);
            assertThat(gauges.get("OLDEST_BACKLOG_AGE" + pool)).isBetween(0.0, (afterFirst - firstWaiting) / 1000.0);
            assertThat(gauges.get("SLOTS_IN_USE" + account + "/" + pool)).isEqualTo(1.0);

            // Past the queue deadline the same sweep expires them and reports an empty backlog, not what it read.
            Thread.sleep(Math.max(0, gateway.task(waiting.get(2)).createdMs() + 4_500 - System.currentTimeMillis()));
            gauges.clear();
            assertThat(gateway.poller.sweeper().sweep().expired()).isEqualTo(3);
            assertThat(gauges.get("BACKLOG_DEPTH" + pool)).isZero();
            assertThat(gauges.get("OLDEST_BACKLOG_AGE" + pool)).isZero();
            assertThat(waiting).allMatch(id -> gateway.task(id).error().code().equals(TaskErrors.QUEUE_TIMEOUT));
        } finally {
            io.wanvideo.gateway.metrics.Metrics.install(io.wanvideo.gateway.metrics.Metrics.NONE);
        }
    }

    @Test
    void aCreateThrottledPastTheDispatchDeadlineFailsWithoutCreating() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 1, 1))
                .settings(deadlines(GatewayHarness.quickSettings().queueTimeout(), Duration.ofSeconds(3))).start();
        gateway.sim.inject(Fault.error("create", 1000, 429, "Throttling.RateQuota"));
        String id = gateway.submit("t", r2v("throttled forever"));
        gateway.pumpUntil(() -> ended(id), WAIT);
        assertThat(gateway.task(id).error().code()).isEqualTo(TaskErrors.UPSTREAM_UNAVAILABLE);
        assertThat(gateway.sim.stats().get("tasks_created").asInt()).isZero();
    }

    @Test
    void aDeadLetterOfATaskRunningUpstreamChecksItThereInsteadOfFailingIt() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 4, 4)).start();
        String id = gateway.submit("t", r2v("dead-lettered while running"));
        gateway.pumpUntil(() -> gateway.task(id).state() == TaskState.RUNNING, WAIT);
        VideoTask running = gateway.task(id);
        gateway.poller.handleDeadLetter(TaskMessage.advance(running));
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.RUNNING);
        gateway.pumpUntil(() -> ended(id), WAIT);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(gateway.sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    @Test
    void aCreationRecordedThroughItsMessageIsKeptEvenIfTheTaskWasTouchedMeanwhile() throws Exception {
        // The RUNNING record fails every in-place retry; meanwhile something else (the sweep re-enqueueing an overdue
        // task) moves the task's version on, so the message carrying the upstream id names an older version.
        AtomicInteger refusals = new AtomicInteger();
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 1, 1))
                .crashing(real -> new Crashes.Delegating(real) {
                    @Override
                    public VideoTask transition(VideoTask current, VideoTask next) {
                        if (next.state() == TaskState.RUNNING && refusals.getAndIncrement() < 5) {
                            if (refusals.get() == 1) {
                                real.transition(current, current.next().build());
                            }
                            throw new IllegalStateException("store unavailable");
                        }
                        return real.transition(current, next);
                    }
                }, q -> q).start();
        String id = gateway.submit("t", r2v("recorded late"));
        gateway.pumpUntil(() -> ended(id), WAIT);
        VideoTask task = gateway.task(id);
        assertThat(task.state()).as(String.valueOf(task.error())).isEqualTo(TaskState.COMPLETED);
        assertThat(task.upstreamId()).isNotNull();
        assertThat(gateway.sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    @Test
    void aCreationLearnedAfterTheTaskFailedAsUncertainIsRecordedOnIt() throws Exception {
        // The RUNNING record fails, and so does the message that would carry the upstream id: the sweep fails the
        // task as uncertain. When the id turns up after all (the message redelivered late), it goes on the record.
        AtomicReference<TaskMessage> lost = new AtomicReference<>();
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 1, 1))
                .crashing(Crashes.beforeTransition((current, next) -> next.state() == TaskState.RUNNING, 5), q -> (message, delay) -> {
                            if (message.upstreamId() != null && lost.compareAndSet(null, message)) {
                                throw new IllegalStateException("queue unavailable");
                            }
                            q.send(message, delay);
                        }).start();
        String id = gateway.submit("t", r2v("learned late"));
        gateway.pumpUntil(() -> ended(id), WAIT);
        assertThat(gateway.task(id).error().code()).isEqualTo(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN);
        assertThat(gateway.task(id).upstreamId()).isNull();
        assertThat(lost.get()).isNotNull();

        gateway.poller.handle(lost.get());
        VideoTask task = gateway.task(id);
        assertThat(task.state()).isEqualTo(TaskState.FAILED);
        assertThat(task.upstreamId()).isEqualTo(lost.get().upstreamId());
        assertThat(task.error().message()).contains(lost.get().upstreamId());
        assertThat(gateway.sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }
}
