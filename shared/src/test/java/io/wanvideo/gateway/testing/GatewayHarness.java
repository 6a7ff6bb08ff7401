package io.wanvideo.gateway.testing;

import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.service.AfterCompletionSteps;
import io.wanvideo.gateway.service.MediaStorage;
import io.wanvideo.gateway.webhook.WebhookSecret;
import io.wanvideo.gateway.webhook.WebhookSender;
import io.wanvideo.gateway.webhook.WebhookTargets;
import io.wanvideo.gateway.service.DeleteVideo;
import io.wanvideo.gateway.service.LookupVideo;
import io.wanvideo.gateway.service.TaskObjects;
import io.wanvideo.gateway.service.InputLinks;
import io.wanvideo.gateway.service.Poller;
import io.wanvideo.gateway.service.PollerSettings;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.StoredInputs;
import io.wanvideo.gateway.service.SubmitVideo;
import io.wanvideo.gateway.service.VideoViews;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.store.dynamodb.DynamoAccountStates;
import io.wanvideo.gateway.store.dynamodb.DynamoRateGate;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import io.wanvideo.gateway.validation.VideoRequestValidator;
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
 * SQS event source: it receives due messages, hands each to the poller, and deletes it only on success.
 * Store and queue can be wrapped to inject crashes at chosen points.
 */
public final class GatewayHarness implements AutoCloseable {
    /**
     * One upstream account the harness's poller uses: its name, its key at the simulator (read anew on every call,
     * so a test can rotate it), its slots.
     */
    public record Account(String name, java.util.function.Supplier<String> key, int slots) {
        public Account(String name, String apiKey, int slots) {
            this(name, () -> apiKey, slots);
        }
    }

    public final LocalAws aws = LocalAws.get();
    public final DashScopeSimulator sim;
    public final String table;
    public final LocalAws.Queues queues;
    public final TaskStore realStore;
    public final TaskStore store;
    public final TaskQueue queue;
    public final Upstreams upstreams;
    public final AccountStates accounts;
    public final Poller poller;
    public final SubmitVideo submit;
    public final LookupVideo lookup;
    public final DeleteVideo delete;
    public final PollerSettings settings;
    /** The bucket and the storage on it, when the setup asked for storage. */
    public final String bucket;
    public final MediaStorage media;
    private final WebhookSender webhookSender;
    private final ExecutorService workers = Executors.newFixedThreadPool(8);

    /** How to build a harness beyond the defaults: storage, webhooks, accounts, crash wrappers. */
    public static final class Setup {
        private final SimulatorSettings simulator;
        private PollerSettings settings = quickSettings();
        private List<Account> accounts = List.of(new Account("default", "sk-test", 5));
        private boolean storage;
        private WebhookSecret webhookSecret;
        private List<Integer> webhookRetries = AfterCompletionSteps.Schedules.DEFAULT.webhookRetries();
        private List<Integer> copyRetries = AfterCompletionSteps.Schedules.DEFAULT.copyRetries();
        private UnaryOperator<TaskStore> storeWrapper = s -> s;
        private UnaryOperator<TaskQueue> queueWrapper = q -> q;

        private Setup(SimulatorSettings simulator) {
            this.simulator = simulator;
        }

        public Setup settings(PollerSettings value) {
            settings = value;
            return this;
        }

        public Setup accounts(List<Account> value) {
            accounts = value;
            return this;
        }

        public Setup slots(int value) {
            accounts = List.of(new Account("default", "sk-test", value));
            return this;
        }

        /** Inputs and result copies in a fresh bucket of the embedded S3. */
        public Setup storage(List<Integer> copyRetrySeconds) {
            storage = true;
            copyRetries = copyRetrySeconds;
            return this;
        }

        /** Completion events signed with this secret, delivered on this schedule, to loopback receivers. */
        public Setup webhooks(WebhookSecret secret, List<Integer> retrySeconds) {
            webhookSecret = secret;
            webhookRetries = retrySeconds;
            return this;
        }

        public Setup crashing(UnaryOperator<TaskStore> store, UnaryOperator<TaskQueue> queue) {
            storeWrapper = store;
            queueWrapper = queue;
            return this;
        }

        public GatewayHarness start() {
            return new GatewayHarness(this);
        }
    }

    public static Setup setup(SimulatorSettings simulator) {
        return new Setup(simulator);
    }

    public GatewayHarness(SimulatorSettings simulator, PollerSettings settings, List<Account> accountList,
            UnaryOperator<TaskStore> storeWrapper, UnaryOperator<TaskQueue> queueWrapper) {
        this(setup(simulator).settings(settings).accounts(accountList).crashing(storeWrapper, queueWrapper));
    }

    private GatewayHarness(Setup setup) {
        SimulatorSettings simulator = setup.simulator;
        this.settings = setup.settings;
        sim = DashScopeSimulator.start(simulator);
        table = aws.newTable();
        queues = aws.newQueues(3, 2);
        Clock clock = Clock.systemUTC();
        realStore = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1), clock);
        store = setup.storeWrapper.apply(realStore);
        queue = setup.queueWrapper.apply(new SqsTaskQueue(aws.sqs(), queues.pollQueueUrl()));
        upstreams = new Upstreams(setup.accounts.stream().map(a -> new DashScopeClient(a.name(),
                new DashScopeClient.Settings(URI.create(sim.baseUrl()), Duration.ofSeconds(2), settings.createTimeout(),
                        Duration.ofSeconds(5)), new AccountLimits(a.slots(), 5, 20),
                new io.wanvideo.gateway.config.RefreshingSecret(a.key(), Duration.ZERO, clock), clock)).toList());
        accounts = new DynamoAccountStates(aws.dynamo(), table);
        double expected = simulator.pendingSeconds() + (simulator.runSecondsMin() + simulator.runSecondsMax()) / 2;
        var times = new FixedGenerationTime(new LogNormal(Math.max(expected, 0.5), 0.3));
        bucket = setup.storage ? aws.newBucket() : null;
        media = setup.storage ? new MediaStorage(S3Clients.objectStore(new Env(aws.s3Environment(bucket))),
                Duration.ofMinutes(10), Duration.ofMinutes(10)) : null;
        VideoViews views = new VideoViews(times, media != null ? media : ResultLinks.NONE, Duration.ofDays(7), clock);
        WebhookSecret secret = setup.webhookSecret;
        webhookSender = new WebhookSender(new WebhookTargets(WebhookTargets.Policy.LOCAL));
        AfterCompletionSteps steps = new AfterCompletionSteps(store, queue, media == null ? null : media.store(),
                tenant -> java.util.Optional.ofNullable(secret), webhookSender::deliver, views,
                new AfterCompletionSteps.Schedules(setup.copyRetries, Duration.ofSeconds(20), setup.webhookRetries), clock);
        poller = new Poller(new Poller.Parts(store, queue, upstreams, new DynamoRateGate(aws.dynamo(), table, clock),
                accounts, times, new PollPlanner(), settings, PriceTable.dashScope(),
                media != null ? media : InputLinks.NONE, media != null ? media : TaskObjects.NONE, steps, clock));
        submit = new SubmitVideo(new VideoRequestValidator(true, url -> java.util.Optional.empty(),
                media != null ? Integer.MAX_VALUE : 350_000), store, queue, media != null ? media : StoredInputs.NONE, views,
                clock);
        lookup = new LookupVideo(store, views);
        delete = new DeleteVideo(store, queue, lookup, () -> upstreams, new DynamoRateGate(aws.dynamo(), table, clock),
                media != null ? media : TaskObjects.NONE);
    }

    public GatewayHarness(SimulatorSettings simulator, PollerSettings settings, int slots,
            UnaryOperator<TaskStore> storeWrapper, UnaryOperator<TaskQueue> queueWrapper) {
        this(simulator, settings, List.of(new Account("default", "sk-test", slots)), storeWrapper, queueWrapper);
    }

    public GatewayHarness(SimulatorSettings simulator, PollerSettings settings, int slots) {
        this(simulator, settings, slots, s -> s, q -> q);
    }

    /** Fast simulator timing and short patience, so tests finish in seconds. */
    public static PollerSettings quickSettings() {
        return new PollerSettings(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(3),
                Duration.ofSeconds(2), 4, Duration.ofHours(24), Duration.ofSeconds(1));
    }

    /** A tenant with the default limits. */
    public static Caller caller(String tenant) {
        return new Caller(tenant, new TenantPolicy(1000, 1000, 1.0, null));
    }

    /** Submits a JSON body as the tenant; returns the task id. */
    public String submit(String tenant, String body) throws Exception {
        return submit.submit(caller(tenant), Json.tree(body), null).video().id();
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
            poller.handle(Json.read(m.body(), TaskMessage.class));
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

    /** Feeds every dead-lettered message to the dead-letter handling. */
    public int drainDeadLetters() {
        List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.deadLetterQueueUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
        for (Message m : messages) {
            poller.handleDeadLetter(Json.read(m.body(), TaskMessage.class));
            aws.sqs().deleteMessage(d -> d.queueUrl(queues.deadLetterQueueUrl()).receiptHandle(m.receiptHandle()));
        }
        return messages.size();
    }

    /**
     * After a test: every counter recounted from the task items ({@link StoreInvariants}), then everything closed,
     * whether or not the counters match. Null-safe, for a test that failed before starting its gateway.
     */
    public static void closeCheckingCounters(GatewayHarness gateway) {
        if (gateway != null) {
            try {
                StoreInvariants.check(gateway.aws.dynamo(), gateway.table);
            } finally {
                gateway.close();
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        webhookSender.close();
        sim.close();
    }
}
