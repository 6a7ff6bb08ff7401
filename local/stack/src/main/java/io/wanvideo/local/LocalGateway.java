package io.wanvideo.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.EventTargets;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.SecretReader;
import io.wanvideo.gateway.config.UpstreamAccountsConfig;
import io.wanvideo.gateway.functions.poller.SqsPollVideoTasksHandler;
import io.wanvideo.gateway.functions.status.ApiGatewayGetVideoHandler;
import io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole gateway on one machine, in one JVM: the three handler classes on their {@link LocalInfrastructure}
 * (DynamoDB, SQS, S3 and the upstream), given their {@link FunctionEnvironment}, behind an HTTP front and an SQS
 * event-source loop, with the sweep schedule, wired as template.yaml wires them in AWS. {@link RunLocal} is the
 * command; tests and benchmarks start it directly.
 */
public final class LocalGateway implements AutoCloseable {
    public static final String TABLE = "wan-video-tasks";
    static final String QUEUE = "wan-video-poll";
    static final String DEAD_LETTER_QUEUE = "wan-video-poll-dlq";
    static final String BUCKET = "wan-video-media";
    /** As template.yaml: a message failing this many times goes to the dead-letter queue. */
    static final int MAX_RECEIVES = 5;

    private final LocalOptions options;
    /** Stopped in this order, before the infrastructure: the front, the sweep schedule, the event sources. */
    private final StopList resources = new StopList();
    private LocalInfrastructure infrastructure;
    private FunctionEnvironment functionEnv;
    private HttpFront front;

    private LocalGateway(LocalOptions options) {
        this.options = options;
    }

    public static LocalGateway start(LocalOptions options) {
        LocalGateway gateway = new LocalGateway(options);
        try {
            gateway.startAll();
            return gateway;
        } catch (RuntimeException | IOException e) {
            gateway.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void startAll() throws IOException {
        infrastructure = LocalInfrastructure.start(options);
        SqsClient sqs = infrastructure.sqs();
        String queueUrl = infrastructure.queueUrl();
        String deadLetterArn = infrastructure.arn(infrastructure.deadLetterUrl());
        DynamoApiKeyStore keys = new DynamoApiKeyStore(infrastructure.dynamo(), infrastructure.table());
        // Whoever runs the stack on their machine operates its pool: every local key sees it in GET /v1/stats.
        options.apiKeys().forEach((key, tenant) -> keys.put(ApiKeys.hash(key), ApiKeyStore.ApiKeyRecord.operator(tenant)));
        functionEnv = FunctionEnvironment.of(options, infrastructure, deadLetterArn);

        Env fnEnv = new Env(functionEnv.values());
        var submit = new ApiGatewaySubmitVideoHandler(fnEnv);
        var status = new ApiGatewayGetVideoHandler(fnEnv);
        var poller = new SqsPollVideoTasksHandler(fnEnv);
        // What SnapStart's priming does before a snapshot, done before "ready": the first task then finds the
        // submit and poller paths loaded and compiled instead of loading them on its way to the upstream.
        // -Dwan.local.prime=false leaves it out, so that ./bench startup can measure what it saves.
        boolean priming = Boolean.parseBoolean(System.getProperty("wan.local.prime", "true"));
        CompletableFuture<Void> primed = !priming ? CompletableFuture.completedFuture(null) : CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> prime("submit and status", () -> {
                    submit.prime();
                    status.prime();
                })),
                // The polls it rehearses are not on the first task's way to the upstream: once, to load them.
                CompletableFuture.runAsync(() -> prime("poller", () -> poller.prime(1))));

        SqsEventSource polls = new SqsEventSource(sqs, queueUrl, infrastructure.arn(queueUrl), poller,
                options.pollerConcurrency(), options.batchSize(), options.retryFailedAfter(), options.duplicateDeliveries());
        SqsEventSource deadLetters = new SqsEventSource(sqs, infrastructure.deadLetterUrl(), deadLetterArn, poller, 1,
                options.batchSize(), options.retryFailedAfter(), false);
        // Both stop receiving at once, then are waited for.
        resources.stopFirst(() -> {
            polls.stopReceiving();
            deadLetters.stopReceiving();
            polls.close();
            deadLetters.close();
        });
        polls.start();
        deadLetters.start();

        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweep-schedule");
            t.setDaemon(true);
            return t;
        });
        resources.stopFirst(sweeps::shutdownNow);
        if (infrastructure.freshQueue()) {
            // A fresh embedded queue holds no message for any task the table already has: whatever was in flight
            // before a restart with --data resumes now rather than after the orphan grace period.
            sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(Json.write(TaskMessage.recover())));
        }
        sweeps.scheduleAtFixedRate(this::queueSweep, options.sweepEvery().toMillis(), options.sweepEvery().toMillis(),
                TimeUnit.MILLISECONDS);

        Map<String, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> functions =
                Map.of("SubmitFunction", submit, "StatusFunction", status);
        front = new HttpFront(options.port(),
                // The HTTP API's routes, as template.yaml declares them (TemplateTest holds the two together).
                ApiRoutes.every().stream().filter(r -> !r.viaDefault())
                        .map(r -> HttpFront.Route.of(r.method(), r.template(), functions.get(r.function()))).toList(),
                functions.get(ApiRoutes.DEFAULT_FUNCTION));
        resources.stopFirst(front);
        if (completionEventsPushed()) {
            sendCompletionEventsHere(fnEnv);
        }
        primed.join();
        if (priming) {
            // And the HTTP front's own path, with the request priming sends (a key that cannot exist: refused).
            prime("HTTP front", this::primeFront);
        }
    }

    /**
     * COMPLETION_EVENTS=true with the simulator: it pushes each account's completion events to this stack's
     * POST /upstream-events/{account}, with the token the functions check, as an EventBridge rule per account would.
     */
    private void sendCompletionEventsHere(Env fnEnv) {
        SecretReader secrets = new SecretReader(fnEnv);
        Map<String, URI> targets = new LinkedHashMap<>();
        for (UpstreamAccountsConfig.Account account : UpstreamAccountsConfig.read(fnEnv, secrets)) {
            targets.put(secrets.read(account.key()),
                    url().resolve("/upstream-events/" + URLEncoder.encode(account.name(), StandardCharsets.UTF_8)));
        }
        infrastructure.simulator().sendCompletionEvents(new EventTargets(targets,
                Map.of("Authorization", "Bearer " + functionEnv.values().get(LocalOptions.EVENTS_TOKEN)), Duration.ZERO));
    }

    /** Whether the upstream pushes completion events to this stack (COMPLETION_EVENTS=true with the simulator). */
    public boolean completionEventsPushed() {
        return infrastructure.simulator() != null && FunctionEnvironment.eventsPushed(functionEnv.values());
    }

    private void primeFront() {
        try {
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url().resolve("/v1/videos"))
                    .header("Authorization", "Bearer " + ApiKeys.PRIMING_KEY).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"priming\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Priming only warms: a failure is reported and the stack starts all the same. */
    private static void prime(String functions, Runnable prime) {
        try {
            prime.run();
        } catch (RuntimeException e) {
            System.err.println("could not prime the " + functions + " handlers: " + e);
        }
    }

    private void queueSweep() {
        try {
            infrastructure.sqs().sendMessage(s -> s.queueUrl(infrastructure.queueUrl())
                    .messageBody(Json.write(TaskMessage.sweep())));
        } catch (RuntimeException e) {
            System.err.println("could not queue a sweep: " + e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + front.port());
    }

    public DashScopeSimulator simulator() {
        return infrastructure.simulator();
    }

    public DynamoDbClient dynamo() {
        return infrastructure.dynamo();
    }

    public SqsClient sqs() {
        return infrastructure.sqs();
    }

    public S3Client s3() {
        return infrastructure.s3();
    }

    /** The environment the functions were given, as template.yaml would give it. */
    public Map<String, String> functionEnvironment() {
        return functionEnv.values();
    }

    boolean webhookSecretGenerated() {
        return functionEnv.webhookSecretGenerated();
    }

    LocalInfrastructure infrastructure() {
        return infrastructure;
    }

    @Override
    public void close() {
        resources.close();
        if (infrastructure != null) {
            infrastructure.close();
        }
    }
}
