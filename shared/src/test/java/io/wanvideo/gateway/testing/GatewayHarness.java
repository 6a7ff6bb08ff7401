package io.wanvideo.gateway.testing;

import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.service.DeadLetters;
import io.wanvideo.gateway.service.PollerSettings;
import io.wanvideo.gateway.service.SubmitVideo;
import io.wanvideo.gateway.service.Sweeper;
import io.wanvideo.gateway.service.TaskAdvancer;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.store.dynamodb.DynamoRateGate;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The gateway's services wired to DynamoDB Local, ElasticMQ and the simulator, with a pump that plays the
 * SQS event source: it receives due messages, hands each to the services, and deletes it only on success.
 * Store and queue can be wrapped to inject crashes at chosen points.
 */
public final class GatewayHarness implements AutoCloseable {
    public final LocalAws aws = LocalAws.get();
    public final DashScopeSimulator sim;
    public final String table;
    public final LocalAws.Queues queues;
    public final TaskStore realStore;
    public final TaskStore store;
    public final TaskQueue queue;
    public final TaskAdvancer advancer;
    public final Sweeper sweeper;
    public final DeadLetters deadLetters;
    public final SubmitVideo submit;
    public final PollerSettings settings;
    private final ExecutorService workers = Executors.newFixedThreadPool(8);

    public GatewayHarness(SimulatorSettings simulator, PollerSettings settings, UnaryOperator<TaskStore> storeWrapper,
            UnaryOperator<TaskQueue> queueWrapper) {
        this.settings = settings;
        sim = DashScopeSimulator.start(simulator);
        table = aws.newTable();
        queues = aws.newQueues(3, 2);
        Clock clock = Clock.systemUTC();
        realStore = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        store = storeWrapper.apply(realStore);
        queue = queueWrapper.apply(new SqsTaskQueue(aws.sqs(), queues.pollQueueUrl()));
        DashScopeClient client = new DashScopeClient(new DashScopeClient.Settings(URI.create(sim.baseUrl()),
                Duration.ofSeconds(2), settings.createTimeout(), Duration.ofSeconds(5)), "sk-test", clock);
        double expected = simulator.pendingSeconds() + (simulator.runSecondsMin() + simulator.runSecondsMax()) / 2;
        var times = new FixedGenerationTime(new LogNormal(Math.max(expected, 0.5), 0.3));
        advancer = new TaskAdvancer(store, queue, client, new DynamoRateGate(aws.dynamo(), table, clock), times,
                new PollPlanner(), settings, clock);
        sweeper = new Sweeper(store, queue, advancer, settings, clock);
        deadLetters = new DeadLetters(store, advancer);
        submit = new SubmitVideo(store, queue, times, clock);
    }

    public GatewayHarness(SimulatorSettings simulator, PollerSettings settings) {
        this(simulator, settings, s -> s, q -> q);
    }

    /** Fast simulator timing and short patience, so tests finish in seconds. */
    public static PollerSettings quickSettings(int slots) {
        return new PollerSettings(slots, 5, 20, Duration.ofMinutes(5), Duration.ofSeconds(3), Duration.ofSeconds(2), 4,
                Duration.ofHours(24));
    }

    public VideoTask task(String id) {
        return realStore.find(id).orElseThrow();
    }

    /**
     * Processes due messages until the condition holds, sweeping every few seconds as the EventBridge
     * schedule does every minute; fails after the timeout.
     */
    public void pumpUntil(BooleanSupplier done, Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        long nextSweep = System.currentTimeMillis() + SWEEP_EVERY_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not reached within " + timeout);
            }
            if (System.currentTimeMillis() > nextSweep) {
                queue.send(TaskMessage.sweep(), 0);
                nextSweep = System.currentTimeMillis() + SWEEP_EVERY_MS;
            }
            pumpOnce();
        }
    }

    private static final long SWEEP_EVERY_MS = 2_000;

    /** One receive of up to ten messages, processed in parallel as a Lambda batch would be. */
    public int pumpOnce() {
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        List<Future<?>> results = messages.stream().map(m -> workers.submit(() -> {
            handle(Json.read(m.body(), TaskMessage.class));
            aws.sqs().deleteMessage(d -> d.queueUrl(queues.pollQueueUrl()).receiptHandle(m.receiptHandle()));
        })).<Future<?>>map(f -> f).toList();
        for (Future<?> f : results) {
            try {
                f.get();
            } catch (Exception e) {
                // Left undeleted: the message becomes visible again, as a batch item failure would.
            }
        }
        return messages.size();
    }

    public void handle(TaskMessage message) {
        if (TaskMessage.SWEEP.equals(message.kind())) {
            sweeper.sweep();
        } else {
            advancer.advance(message);
        }
    }

    /** Feeds every dead-lettered message to the dead-letter handling. */
    public int drainDeadLetters() {
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.deadLetterQueueUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
        for (Message m : messages) {
            deadLetters.handle(Json.read(m.body(), TaskMessage.class));
            aws.sqs().deleteMessage(d -> d.queueUrl(queues.deadLetterQueueUrl()).receiptHandle(m.receiptHandle()));
        }
        return messages.size();
    }

    @Override
    public void close() {
        workers.shutdownNow();
        sim.close();
    }
}
