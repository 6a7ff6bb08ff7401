package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.Fault;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.store.WatchLeases;
import io.wanvideo.gateway.store.dynamodb.DynamoRateGate;
import io.wanvideo.gateway.store.dynamodb.DynamoWatchLeases;
import io.wanvideo.gateway.testing.CapturedLog;
import io.wanvideo.gateway.testing.GatewayHarness;
import io.wanvideo.gateway.testing.Specs;
import io.wanvideo.gateway.testing.StoreInvariants;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The completion watcher through the services, on DynamoDB Local, ElasticMQ and the simulator's listing: it
 * notices finished tasks from the account's listing, one chain per account, leaving others' tasks alone; and when
 * the listing fails or answers in a shape it does not understand, it turns itself off for the account and polling
 * finishes the task.
 */
class CompletionWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACCOUNT = "default";
    private static final String KEY = "sk-test";
    /** A safety net this far out (one in a million of these tasks still running) leaves noticing to the watcher. */
    private static final PollPlanner.Settings FAR_SAFETY_NET = new PollPlanner.Settings(1e-9, 0, 0, 0, 1, 60);
    private static final WatchSettings WATCHING = new WatchSettings(true, 14, 0.25, Duration.ofSeconds(30),
            Duration.ofSeconds(5), FAR_SAFETY_NET);
    private static final String R2V = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"%s\",\"size\":\"720P\","
            + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";

    private GatewayHarness gateway;
    private Poller poller;
    private WatchLeases leases;
    private final List<Map<String, String>> offMetrics = new CopyOnWriteArrayList<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(12);
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean pumping;

    /** The harness's services, with the watcher on and a far safety net. */
    private void start(SimulatorSettings simulator) {
        start(simulator, WATCHING);
    }

    private void start(SimulatorSettings simulator, WatchSettings watching) {
        gateway = new GatewayHarness(simulator.withApiKey(KEY), GatewayHarness.quickSettings(), 5);
        leases = new DynamoWatchLeases(gateway.aws.dynamo(), gateway.table);
        Clock clock = Clock.systemUTC();
        double expected = simulator.pendingSeconds() + (simulator.runSecondsMin() + simulator.runSecondsMax()) / 2;
        poller = new Poller(new Poller.Parts(gateway.store, gateway.queue, gateway.upstreams,
                new DynamoRateGate(gateway.aws.dynamo(), gateway.table, clock), gateway.accounts,
                new FixedGenerationTime(new LogNormal(expected, 0.3)), new PollPlanner(), gateway.settings,
                PriceTable.dashScope(), InputLinks.NONE, TaskObjects.NONE, AfterCompletion.NONE, clock),
                new CompletionWatcher.Setup(leases, watching));
        Metrics.install((metric, value, dimensions) -> {
            if (metric == Metric.COMPLETION_WATCHER_OFF) {
                offMetrics.add(Metrics.dimensionsOf(metric, dimensions));
            }
        });
    }

    @AfterEach
    void stop() {
        Metrics.install(Metrics.NONE);
        stopPumping();
        workers.shutdownNow();
        if (gateway != null) {
            try {
                StoreInvariants.check(gateway.aws.dynamo(), gateway.table);
            } finally {
                gateway.close();
            }
        }
    }

    private String submit(String prompt) throws Exception {
        return gateway.submit("tenant-a", String.format(R2V, prompt));
    }

    private VideoTask task(String id) {
        return gateway.task(id);
    }

    private WatchLeases.Lease lease() {
        return leases.read(ACCOUNT).orElse(null);
    }

    private int stat(String name) {
        return gateway.sim.stats().get(name).asInt();
    }

    /** Queries the simulator received about this upstream task. */
    private long queriesOf(String upstreamId) {
        return gateway.sim.calls().stream().filter(c -> "query".equals(c.get("call")) && upstreamId.equals(c.get("task_id")))
                .count();
    }

    /**
     * Three receivers hand the poll queue's messages to the poller as Lambda's event source does (a watcher turn
     * may hold its invocation for a few seconds; the others go on), and a sweep goes out every few seconds.
     */
    private void startPumping() {
        pumping = true;
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (pumping) {
                    pumpOnce();
                }
            }, "pump-" + i);
            t.setDaemon(true);
            t.start();
            pumps.add(t);
        }
    }

    private void stopPumping() {
        pumping = false;
        for (Thread t : pumps) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pumps.clear();
    }

    private void pumpOnce() {
        List<Message> messages = gateway.aws.sqs().receiveMessage(r -> r.queueUrl(gateway.queues.pollQueueUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        List<Future<?>> results = messages.stream().<Future<?>>map(m -> workers.submit(() -> {
            poller.handle(Json.read(m.body(), TaskMessage.class));
            gateway.aws.sqs().deleteMessage(d -> d.queueUrl(gateway.queues.pollQueueUrl()).receiptHandle(m.receiptHandle()));
        })).toList();
        for (Future<?> f : results) {
            try {
                f.get();
            } catch (Exception e) {
                // Left undeleted: visible again later, as a batch item failure.
            }
        }
    }

    private void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        long nextSweep = System.currentTimeMillis() + 2000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition reached in time").isLessThan(deadline);
            if (System.currentTimeMillis() > nextSweep) {
                gateway.queue.send(TaskMessage.sweep(), 0);
                nextSweep = System.currentTimeMillis() + 2000;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void noticesAFinishedTaskInTheListingAndQueriesItOnceForItsResult() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 3, 3));
        try (CapturedLog log = CapturedLog.of(CompletionWatcher.class, Level.DEBUG)) {
            startPumping();
            String id = submit("watched");
            await(() -> task(id).state().terminal());
            VideoTask done = task(id);
            assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(done.videoUrl()).isNotNull();
            // The listing saw it end (the safety net would have asked only seconds later), and one query fetched the result.
            assertThat(log.lines()).contains("DEBUG task " + id + " listed SUCCEEDED upstream");
            assertThat(queriesOf(done.upstreamId())).isEqualTo(1);
            assertThat(stat("list_calls")).isPositive();
            // Nothing left to watch: the chain lets go of the lease.
            await(() -> lease() != null && lease().owner() == null);
            assertThat(log.lines()).anyMatch(l -> l.contains("completion watcher for account default ended: nothing running"));
        }
        // The next task to run starts a new chain, which notices it the same way.
        String next = submit("watched again");
        await(() -> task(next).state().terminal());
        assertThat(task(next).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(queriesOf(task(next).upstreamId())).isEqualTo(1);
    }

    @Test
    void aWatchTurnDeliveredTwiceRunsOnce() throws Exception {
        // Turns at most two seconds apart, so that one is always about to be due.
        start(SimulatorSettings.defaults().withTiming(0, 60, 60), new WatchSettings(true, 14, 0.25, Duration.ofSeconds(2),
                Duration.ofSeconds(2), FAR_SAFETY_NET));
        startPumping();
        String id = submit("a long one");
        await(() -> lease() != null && lease().version() >= 2);
        stopPumping();
        WatchLeases.Lease current = lease();
        TaskMessage turn = TaskMessage.watch(ACCOUNT, current.owner(), current.version());

        int before = stat("list_calls");
        poller.handle(turn);
        int afterFirst = stat("list_calls");
        assertThat(afterFirst).isGreaterThan(before);
        assertThat(lease().version()).isEqualTo(current.version() + 1);
        // The duplicate finds the lease moved on: no listing, no second chain.
        poller.handle(turn);
        poller.handle(TaskMessage.watch(ACCOUNT, current.owner(), current.version() - 1));
        poller.handle(TaskMessage.watch(ACCOUNT, "someone-else", current.version() + 1));
        assertThat(stat("list_calls")).isEqualTo(afterFirst);
        assertThat(lease().version()).isEqualTo(current.version() + 1);
        assertThat(task(id).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void tasksOfTheSameAccountCreatedElsewhereAreListedButLeftAlone() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 4, 4));
        // Another gateway (or script) on the same account: its tasks show in the listing too.
        DashScopeClient elsewhere = DashScopeClient.withKey("elsewhere", DashScopeClient.Settings.defaults(
                URI.create(gateway.sim.baseUrl())), AccountLimits.DASHSCOPE, KEY, Clock.systemUTC());
        List<String> foreign = List.of(elsewhere.create(Specs.r2v("theirs sim:run=1")),
                elsewhere.create(Specs.i2v("theirs too sim:run=2 sim:fail=DataInspectionFailed")));
        startPumping();
        String id = submit("ours");
        await(() -> task(id).state().terminal());
        assertThat(task(id).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(stat("list_calls")).isPositive();
        assertThat(foreign).allSatisfy(upstream -> assertThat(queriesOf(upstream)).isZero());
    }

    @Test
    void aListingAnswerOfAnUnknownShapeTurnsTheWatcherOffAndPollingFinishesTheTask() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 3, 3));
        gateway.sim.inject(Fault.unknownShape("list", 1));
        try (CapturedLog log = CapturedLog.of(CompletionWatcher.class, Level.WARN)) {
            startPumping();
            String id = submit("shape changed");
            await(() -> task(id).state().terminal());
            assertThat(task(id).state()).isEqualTo(TaskState.COMPLETED);
            assertThat(stat("list_calls")).isEqualTo(1);

            WatchLeases.Lease off = lease();
            assertThat(off.off(System.currentTimeMillis())).isTrue();
            assertThat(off.offReason()).startsWith("UnrecognisedAnswer");
            assertThat(offMetrics).containsExactly(Map.of("Account", ACCOUNT, "Reason", "UnrecognisedAnswer"));
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR completion watcher for account default turned off for 60 min")
                    && l.contains("does not understand"));
            // Polling took over: the task's end came from its own queries, and no listing followed.
            assertThat(queriesOf(task(id).upstreamId())).isPositive();
        }
        String next = submit("polled");
        await(() -> task(next).state().terminal());
        assertThat(task(next).state()).isEqualTo(TaskState.COMPLETED);
        assertThat(stat("list_calls")).isEqualTo(1);
    }

    @Test
    void aListingThatKeepsFailingTurnsTheWatcherOffForAWhileAndPollingFinishesTheTask() throws Exception {
        start(SimulatorSettings.defaults().withTiming(0, 3, 3));
        gateway.sim.inject(Fault.error("list", 1000, 500, "InternalError"));
        try (CapturedLog log = CapturedLog.of(CompletionWatcher.class, Level.WARN)) {
            startPumping();
            String id = submit("listing down");
            await(() -> task(id).state().terminal());
            assertThat(task(id).state()).isEqualTo(TaskState.COMPLETED);
            assertThat(stat("list_calls")).isEqualTo(CompletionWatcher.MAX_FAILURES);
            assertThat(lease().offReason()).startsWith("ListingFailing");
            assertThat(offMetrics).containsExactly(Map.of("Account", ACCOUNT, "Reason", "ListingFailing"));
            assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR completion watcher for account default turned off for 5 min"));
            assertThat(queriesOf(task(id).upstreamId())).isPositive();
        }
    }
}
