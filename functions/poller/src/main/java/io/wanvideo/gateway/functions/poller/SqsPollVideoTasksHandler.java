package io.wanvideo.gateway.functions.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.config.AfterRestore;
import io.wanvideo.gateway.config.DryRun;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.config.SecretReader;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.logging.LogContext;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.emf.EmfMetrics;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.config.WebhookSecretSources;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.service.AfterCompletionSteps;
import io.wanvideo.gateway.service.CompletionWatcher;
import io.wanvideo.gateway.service.InputLinks;
import io.wanvideo.gateway.service.MediaStorage;
import io.wanvideo.gateway.service.Poller;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.TaskObjects;
import io.wanvideo.gateway.service.VideoViews;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import io.wanvideo.gateway.upstream.dashscope.LoopbackRehearsal;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import io.wanvideo.gateway.webhook.WebhookSender;
import io.wanvideo.gateway.webhook.WebhookTargets;
import java.util.Optional;
import java.util.function.Supplier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.crac.Core;
import org.crac.Resource;

/**
 * The poll queue's consumer (and its dead-letter queue's). Messages of a batch are independent and handled
 * in parallel; a message that fails is reported as a batch item failure, never by failing the batch, so SQS
 * retries only that one and moves it to the dead-letter queue once it keeps failing. Every line logged while a message
 * is handled carries the invocation's request id and the message's task id, on the worker thread that handles it.
 *
 * <p>Under SnapStart (README, "Cold start") it primes itself before the snapshot ({@link #prime}) and refreshes
 * credentials, keys and seeds after each restore.
 */
public final class SqsPollVideoTasksHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, Resource {
    private static final Logger LOG = LogManager.getLogger(SqsPollVideoTasksHandler.class);
    /** Of the id form, so its message reads the table; made of zeros, no generated id can be it. */
    static final String PRIMING_ID = "video_00000000000000000000000000";
    /** Rounds of {@link #rehearsePolls}: enough for C1 to compile the poll's path before the snapshot (README, "Cold start"). */
    static final int REHEARSAL_ROUNDS = 20;

    private final Poller.Parts parts;
    private final CompletionWatcher.Setup watching;
    private final Poller poller;
    private final GatewayTable table;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final PollPlanner planner;
    private final GenerationTimeModel times;
    /** METRICS_NAMESPACE: where this deployment's metrics go (README, "Metrics"). */
    private final String metricsNamespace;
    private final String deadLetterQueueArn;
    private final ExecutorService workers;

    /** Lambda's constructor: clients are built once, here, during init; SnapStart's hooks are registered. */
    public SqsPollVideoTasksHandler() {
        this(Env.system());
        Metrics.install(new EmfMetrics(metricsNamespace));
        Core.getGlobalContext().register(this);
    }

    public SqsPollVideoTasksHandler(Env env) {
        this.table = GatewayTable.connect(env, Clock.systemUTC());
        this.metricsNamespace = GatewaySettings.metricsNamespace(env);
        this.queue = new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL"));
        SecretReader secrets = new SecretReader(env);
        this.times = GatewaySettings.generationTimes(env);
        Optional<MediaStorage> media = GatewaySettings.mediaStorage(env);
        VideoViews views = new VideoViews(times, media.<ResultLinks>map(m -> m).orElse(ResultLinks.NONE),
                GatewaySettings.resultRetention(env), table.clock());
        WebhookTargets targets = GatewaySettings.webhookTargets(env);
        // Jetty's client is built on the first delivery: a poller that never delivers never loads it.
        Supplier<WebhookSender> sender = memoized(() -> new WebhookSender(targets));
        AfterCompletionSteps afterCompletion = new AfterCompletionSteps(table.tasks(), queue,
                GatewaySettings.copyResults(env) ? media.map(MediaStorage::store).orElse(null) : null,
                WebhookSecretSources.from(env, secrets, table.clock()), (url, event) -> sender.get().deliver(url, event),
                views, new AfterCompletionSteps.Schedules(AfterCompletionSteps.Schedules.DEFAULT.copyRetries(),
                        AfterCompletionSteps.Schedules.DEFAULT.copyLimit(), GatewaySettings.webhookRetries(env)),
                table.clock());
        this.upstreams = GatewaySettings.upstreams(env, secrets, table.clock());
        this.planner = new PollPlanner();
        this.parts = new Poller.Parts(table.tasks(), queue, upstreams, table.rateGate(), table.accountStates(), times,
                planner, GatewaySettings.poller(env), GatewaySettings.prices(env),
                media.<InputLinks>map(m -> m).orElse(InputLinks.NONE), media.<TaskObjects>map(m -> m).orElse(TaskObjects.NONE),
                afterCompletion, table.clock());
        this.watching = new CompletionWatcher.Setup(table.watchLeases(), GatewaySettings.watcher(env));
        this.poller = new Poller(parts, watching);
        this.deadLetterQueueArn = env.required("DEAD_LETTER_QUEUE_ARN");
        this.workers = Executors.newFixedThreadPool(10, r -> {
            Thread t = new Thread(r, "poller-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static <T> Supplier<T> memoized(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        String requestId = context == null ? null : context.getAwsRequestId();
        LogContext.invocation(requestId);
        List<Future<?>> results = new ArrayList<>();
        for (SQSEvent.SQSMessage record : records) {
            results.add(workers.submit(() -> {
                LogContext.invocation(requestId);
                try {
                    return handle(record);
                } finally {
                    LogContext.invocation(null);
                }
            }));
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                results.get(i).get();
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                LOG.error("message {} failed; SQS will retry it", records.get(i).getMessageId(), cause);
                failures.add(new SQSBatchResponse.BatchItemFailure(records.get(i).getMessageId()));
                Metrics.count(Metric.POLLER_MESSAGES_FAILED);
            }
        }
        Metrics.current().flush();
        return new SQSBatchResponse(failures);
    }

    private Void handle(SQSEvent.SQSMessage record) {
        boolean deadLetter = deadLetterQueueArn.equals(record.getEventSourceArn());
        TaskMessage message;
        try {
            message = Json.read(record.getBody(), TaskMessage.class);
        } catch (RuntimeException e) {
            if (deadLetter) {
                // Nothing can ever read it; keeping it would only repeat this line.
                LOG.error("unreadable dead letter {} dropped: {}", record.getMessageId(), record.getBody());
                return null;
            }
            throw e;
        }
        LogContext.task(message.taskId());
        if (deadLetter) {
            Metrics.count(Metric.DEAD_LETTERS);
            poller.handleDeadLetter(message);
        } else {
            poller.handle(message);
        }
        return null;
    }

    /**
     * Loads and runs, before a snapshot, what a batch goes through, writing nothing and calling no upstream: a batch
     * through this handler whose one message names a task that cannot exist (read, found absent, dropped); the reads
     * a fill and the sweep make; the sweep itself with every AWS call answered empty; a state change, a slot claim and
     * a message up to the wire (marshalled and signed, answered before they are sent); the poll plans of the common
     * requests (each a dynamic program); the upstream calls' TLS classes and their whole HTTP path, a create, a
     * query and a listing rehearsed against a stand-in on loopback (nothing leaves the process); and, against that
     * stand-in, polls of a running task and of a finished one through the services ({@link #rehearsePolls}).
     */
    public void prime() {
        prime(REHEARSAL_ROUNDS);
    }

    /**
     * As {@link #prime()}, with the polls rehearsed {@code pollRounds} times: the local stack, priming on the way to
     * "ready" where no poll is on the first task's way to the upstream, rehearses them once, to load their classes
     * without spending start-up time compiling them.
     */
    public void prime(int pollRounds) {
        long started = System.nanoTime();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("priming");
        message.setBody("{\"kind\":\"advance\",\"task_id\":\"" + PRIMING_ID + "\",\"version\":1}");
        message.setEventSourceArn("priming");
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(message));
        handleRequest(batch, null);

        TaskStore store = table.tasks();
        List<String> accounts = upstreams.all().stream().map(VideoUpstream::account).toList();
        VideoRequestValidator validator = GatewaySettings.validator(new Env(java.util.Map.of()), false);
        for (String pool : VideoModel.slotPools()) {
            store.fairQueue(pool, 5);
            store.fairShares(pool, List.of("priming"));
            store.backlogHead(pool, "priming", 4);
            store.slotsInUse(pool, accounts);
            store.slotHolders(accounts.get(0), pool);
        }
        table.accountStates().read(accounts);
        store.effectsDueBefore(0, 1);
        for (String model : List.of("wan2.7-r2v", "wan2.7-i2v")) {
            for (String size : List.of("720P", "1080P")) {
                for (String seconds : List.of("5", "10")) {
                    VideoSpec spec = validator.validate(Json.read("{\"model\":\"" + model + "\",\"prompt\":\"priming\","
                            + "\"media\":[{\"type\":\"" + (model.endsWith("r2v") ? "reference_image" : "first_frame")
                            + "\",\"url\":\"https://example.com/priming.png\"}],\"size\":\"" + size + "\",\"seconds\":\""
                            + seconds + "\"}", JsonNode.class));
                    planner.nextDelaySeconds(times.expected(spec), 0, 0);
                }
            }
        }
        long now = table.clock().millis();
        VideoSpec spec = validator.validate(Json.read("{\"model\":\"wan2.7-r2v\",\"prompt\":\"priming\",\"media\":"
                + "[{\"type\":\"reference_image\",\"url\":\"https://example.com/priming.png\"}]}", JsonNode.class));
        VideoTask queued = VideoTask.queued(PRIMING_ID, "priming", spec, now);
        VideoTask dispatching = queued.next().state(TaskState.DISPATCHING).account(accounts.get(0)).dispatchedMs(now).dueMs(now)
                .attempts(0).build();
        DryRun.run(() -> store.claim(queued, dispatching, 1, null));
        DryRun.run(() -> store.transition(dispatching, dispatching.next().dueMs(now + 1000).build()));
        DryRun.run(() -> queue.send(TaskMessage.advance(dispatching), 0));
        // The sweep, as its message runs it, with every AWS call answered empty on the spot: nothing is read, so
        // nothing is found, nothing is written or sent, and nothing reaches DashScope (whose client refuses to send
        // inside a dry run). Its code and the scheduler's fill are loaded, and over ten rounds compiled, before the
        // snapshot; the gauges it records are dropped with the metrics' priming below.
        for (int round = 0; round < 10; round++) {
            DryRun.run(() -> poller.handle(TaskMessage.sweep()));
        }
        // The DashScope client builds its HTTP client on first use; TLS is loaded here, and a create, a query and a
        // listing (the completion watcher's) are rehearsed against a stand-in on loopback, so the first real call after
        // a restore loads nothing.
        DashScopeClient.loadTransport();
        LoopbackRehearsal.run(spec);
        rehearsePolls(spec, pollRounds);
        Metrics.current().prime();
        LogContext.invocation(null);
        LOG.info("primed for a snapshot in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Polls, before a snapshot, a task running upstream (the message a poller mostly handles) and one found finished,
     * each through the services as its message would take it: the task placed and read back within a dry run (the read
     * answered with the item the placing wrote), queried at a stand-in for DashScope on loopback, and its next poll
     * planned, written and queued, or its end recorded, its slot released and the next task sought, every AWS call
     * answered on the spot; in {@code rounds} rounds, so that path is compiled in the snapshot, not only loaded.
     * Their INFO lines ("task ... completed") are not news and are dropped.
     *
     * @return the requests the stand-in answered, in order
     */
    List<String> rehearsePolls(VideoSpec spec, int rounds) {
        try (LoopbackRehearsal.StandIn standIn = LoopbackRehearsal.StandIn.open()) {
            Poller rehearsal = new Poller(parts.withUpstreams(Upstreams.of(standIn.upstream())), watching);
            for (int round = 0; round < rounds; round++) {
                for (String upstreamId : List.of(LoopbackRehearsal.RUNNING_TASK, "priming")) {
                    long now = table.clock().millis();
                    VideoTask running = VideoTask.queued(PRIMING_ID, "priming", spec, now).next().state(TaskState.RUNNING)
                            .account(standIn.upstream().account()).dispatchedMs(now).attempts(0).upstreamId(upstreamId)
                            .submittedMs(now).runOriginMs(now).upstreamState(UpstreamState.RUNNING).dueMs(now).build();
                    LogContext.rehearsal(() -> DryRun.run(() -> {
                        table.tasks().create(running, Admission.UNLIMITED);
                        rehearsal.handle(TaskMessage.advance(running));
                    }));
                }
            }
            return standIn.answered();
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        AfterRestore.refresh();
    }
}
