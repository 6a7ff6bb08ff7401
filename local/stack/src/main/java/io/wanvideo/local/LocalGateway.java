package io.wanvideo.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.DynamoDbClients;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.functions.poller.SqsPollVideoTasksHandler;
import io.wanvideo.gateway.functions.status.ApiGatewayGetVideoHandler;
import io.wanvideo.gateway.functions.submit.ApiGatewaySubmitVideoHandler;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.TaskTable;
import io.wanvideo.gateway.webhook.WebhookSecret;
import io.wanvideo.local.embedded.LocalDynamoDb;
import io.wanvideo.local.embedded.LocalS3;
import io.wanvideo.local.embedded.LocalSqs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole gateway on one machine, in one JVM: DynamoDB Local, ElasticMQ and S3Proxy embedded (or LocalStack,
 * or real AWS), the DashScope simulator (or the real DashScope), the three handler classes behind an HTTP
 * front and an SQS event-source loop, and the sweep schedule, wired as template.yaml wires them in AWS.
 */
public final class LocalGateway implements AutoCloseable {
    static final String TABLE = "wan-video-tasks";
    static final String QUEUE = "wan-video-poll";
    static final String DEAD_LETTER_QUEUE = "wan-video-poll-dlq";
    static final String BUCKET = "wan-video-media";
    /** As template.yaml: a message failing this many times goes to the dead-letter queue. */
    static final int MAX_RECEIVES = 5;


    private final LocalOptions options;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private LocalDynamoDb dynamoServer;
    private LocalSqs sqsServer;
    private LocalS3 s3Server;
    private DashScopeSimulator simulator;
    private HttpFront front;
    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private S3Client s3;
    private String queueUrl;
    private Map<String, String> functionEnv;
    private boolean webhookSecretGenerated;

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
        Map<String, String> aws = options.externalAws();
        boolean externalDynamo = aws.containsKey("TABLE_NAME") || aws.containsKey("AWS_ENDPOINT_URL_DYNAMODB")
                || aws.containsKey("AWS_ENDPOINT_URL");
        boolean externalSqs = aws.containsKey("QUEUE_URL") || aws.containsKey("AWS_ENDPOINT_URL_SQS")
                || aws.containsKey("AWS_ENDPOINT_URL");
        boolean externalS3 = aws.containsKey("MEDIA_BUCKET") || aws.containsKey("AWS_ENDPOINT_URL_S3")
                || aws.containsKey("AWS_ENDPOINT_URL");
        // The slow parts start side by side.
        CompletableFuture<LocalDynamoDb> dynamoStart = externalDynamo ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> LocalDynamoDb.start(0, options.dataDir()));
        CompletableFuture<LocalSqs> sqsStart = externalSqs ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(LocalSqs::start);
        CompletableFuture<LocalS3> s3Start = externalS3 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> startS3(aws));
        if (options.usesSimulator()) {
            simulator = DashScopeSimulator.start(options.simulator(), options.simulatorPort(), System::currentTimeMillis);
            resources.add(simulator);
        }
        // Every server that did start is stopped with the stack, even if another failed.
        CompletableFuture.allOf(dynamoStart, sqsStart, s3Start).handle((ok, failed) -> null).join();
        for (CompletableFuture<? extends AutoCloseable> start : List.of(dynamoStart, sqsStart, s3Start)) {
            if (!start.isCompletedExceptionally() && start.join() != null) {
                resources.add(0, start.join());
            }
        }
        dynamoServer = joined(dynamoStart);
        sqsServer = joined(sqsStart);
        s3Server = joined(s3Start);

        Map<String, String> env = new HashMap<>(aws);
        env.putIfAbsent("AWS_REGION", "us-east-1");
        if (dynamoServer != null) {
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoServer.endpoint().toString());
        }
        if (sqsServer != null) {
            env.put("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString());
        }
        if (s3Server != null) {
            env.put("AWS_ENDPOINT_URL_S3", s3Server.endpoint().toString());
        }
        Env clientEnv = new Env(env);
        dynamo = DynamoDbClients.create(clientEnv);
        sqs = SqsClients.create(clientEnv);
        resources.add(0, dynamo);
        resources.add(0, sqs);
        // The bucket is made ready beside the table and queues.
        String bucket = aws.getOrDefault("MEDIA_BUCKET", BUCKET);
        CompletableFuture<S3Client> s3Ready = CompletableFuture.supplyAsync(() -> {
            S3Client client = S3Clients.create(clientEnv);
            if (!aws.containsKey("MEDIA_BUCKET")) {
                createBucketIfMissing(client, bucket);
            }
            return client;
        });

        String table = aws.getOrDefault("TABLE_NAME", TABLE);
        if (!aws.containsKey("TABLE_NAME")) {
            TaskTable.createIfMissing(dynamo, table);
        }
        String deadLetterUrl;
        if (aws.containsKey("QUEUE_URL")) {
            queueUrl = aws.get("QUEUE_URL");
            deadLetterUrl = required(aws, "DEAD_LETTER_QUEUE_URL");
        } else {
            deadLetterUrl = sqs.createQueue(c -> c.queueName(DEAD_LETTER_QUEUE)).queueUrl();
            String dlqArn = arn(deadLetterUrl);
            queueUrl = sqs.createQueue(c -> c.queueName(QUEUE).attributes(Map.of(
                    QueueAttributeName.REDRIVE_POLICY,
                    "{\"maxReceiveCount\":\"" + MAX_RECEIVES + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}",
                    QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
        }
        String deadLetterArn = arn(deadLetterUrl);
        DynamoApiKeyStore keys = new DynamoApiKeyStore(dynamo, table);
        // Whoever runs the stack on their machine operates its pool: every local key sees it in GET /v1/stats.
        options.apiKeys().forEach((key, tenant) -> keys.put(ApiKeys.hash(key), ApiKeyStore.ApiKeyRecord.operator(tenant)));
        s3 = joined(s3Ready);
        resources.add(0, s3);

        functionEnv = new HashMap<>(env);
        functionEnv.put("TABLE_NAME", table);
        functionEnv.put("QUEUE_URL", queueUrl);
        functionEnv.put("DEAD_LETTER_QUEUE_ARN", deadLetterArn);
        functionEnv.put("MEDIA_BUCKET", bucket);
        // Everything here is on 127.0.0.1: media URLs and webhooks may point at loopback (README, "Run it locally").
        functionEnv.put("LOCAL_NETWORK_TARGETS", "true");
        if (simulator != null) {
            functionEnv.put("DASHSCOPE_BASE_URL", simulator.baseUrl());
            functionEnv.put("DASHSCOPE_API_KEY", "sk-local-simulator");
            // The poller follows the upstream it talks to: the simulator's configured run time.
            SimulatorSettings sim = options.simulator();
            functionEnv.put("EXPECTED_GENERATION_SECONDS", Double.toString(Math.max(0.5, (sim.runSecondsMin() + sim.runSecondsMax()) / 2)));
            functionEnv.put("GENERATION_TIME_SIGMA", Double.toString(logSpread(sim.runSecondsMin(), sim.runSecondsMax())));
        } else {
            functionEnv.put("DASHSCOPE_BASE_URL", options.dashScopeBaseUrl());
            functionEnv.put("DASHSCOPE_API_KEY", options.dashScopeApiKey());
        }
        functionEnv.putAll(options.functionEnvironment());
        if (!functionEnv.containsKey(LocalOptions.WEBHOOK_SECRET) && !externalDynamo && !externalSqs && !externalS3) {
            // All embedded, so no Secrets Manager to hold tenants' secrets: one made now signs every tenant's events,
            // and the banner shows it for the receiver (set LOCAL_WEBHOOK_SECRET to keep one across starts).
            functionEnv.put(LocalOptions.WEBHOOK_SECRET, WebhookSecret.generate().value());
            webhookSecretGenerated = true;
        }

        Env fnEnv = new Env(functionEnv);
        var submit = new ApiGatewaySubmitVideoHandler(fnEnv);
        var status = new ApiGatewayGetVideoHandler(fnEnv);
        var poller = new SqsPollVideoTasksHandler(fnEnv);

        SqsEventSource polls = new SqsEventSource(sqs, queueUrl, arn(queueUrl), poller, options.pollerConcurrency(),
                options.batchSize(), options.retryFailedAfter(), options.duplicateDeliveries());
        SqsEventSource deadLetters = new SqsEventSource(sqs, deadLetterUrl, deadLetterArn, poller, 1, options.batchSize(),
                options.retryFailedAfter(), false);
        // Both stop receiving at once, then are waited for.
        resources.add(0, () -> {
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
        resources.add(0, sweeps::shutdownNow);
        if (sqsServer != null) {
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
                ApiRoutes.ALL.stream().filter(r -> !r.viaDefault())
                        .map(r -> HttpFront.Route.of(r.method(), r.template(), functions.get(r.function()))).toList(),
                functions.get(ApiRoutes.DEFAULT_FUNCTION));
        resources.add(0, front);
    }

    /**
     * In memory, or under DIR/s3 with --data. Requests are signed with the key pair the functions will use: the one
     * in the environment, else the one the gateway's clients use against any local endpoint.
     */
    private LocalS3 startS3(Map<String, String> aws) {
        String keyId = aws.get("AWS_ACCESS_KEY_ID");
        String secret = aws.get("AWS_SECRET_ACCESS_KEY");
        boolean given = keyId != null && secret != null;
        return LocalS3.start(0, options.dataDir() == null ? null : options.dataDir().resolve("s3"),
                given ? keyId : LocalS3.ACCESS_KEY_ID, given ? secret : LocalS3.SECRET_ACCESS_KEY);
    }

    private static void createBucketIfMissing(S3Client client, String bucket) {
        try {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // kept from an earlier run with --data
        }
    }

    /** What a part started in parallel gave, or what it threw. */
    private static <T> T joined(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * The standard deviation of ln(run time) for run times drawn uniformly from [min, max], at least 0.2: the
     * simulator is exact, but a task's end as the poller sees it also moves with PENDING time and latency.
     */
    static double logSpread(double min, double max) {
        if (!(max > min) || min <= 0) {
            return 0.2;
        }
        int n = 1000;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double x = Math.log(min + (max - min) * (i + 0.5) / n);
            sum += x;
            squares += x * x;
        }
        double mean = sum / n;
        return Math.max(0.2, Math.sqrt(Math.max(0, squares / n - mean * mean)));
    }

    private void queueSweep() {
        try {
            sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody(Json.write(TaskMessage.sweep())));
        } catch (RuntimeException e) {
            System.err.println("could not queue a sweep: " + e);
        }
    }

    private String arn(String url) {
        return sqs.getQueueAttributes(g -> g.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            throw new LocalOptions.UsageException(name + " is required with QUEUE_URL");
        }
        return v;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + front.port());
    }

    public DashScopeSimulator simulator() {
        return simulator;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public S3Client s3() {
        return s3;
    }

    /** The environment the functions were given, as template.yaml would give it. */
    public Map<String, String> functionEnvironment() {
        return Map.copyOf(functionEnv);
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
        resources.clear();
    }

    public static void main(String[] args) {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        LocalOptions options;
        try {
            options = LocalOptions.parse(System.getenv(), args);
        } catch (LocalOptions.UsageException e) {
            System.err.println((e.getMessage() == null ? "" : "run-local: " + e.getMessage() + "\n") + LocalOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        LocalGateway gateway;
        try {
            gateway = start(options);
        } catch (RuntimeException e) {
            System.err.println("run-local: could not start: " + e.getMessage());
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && cause.getMessage().toLowerCase(Locale.ROOT).contains("address already in use")) {
                System.err.println("  a port is taken; choose others with PORT=... SIM_PORT=...");
            }
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            // Ctrl-C must end the process within seconds even if an embedded server hangs on the way down.
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(4_000);
                    System.err.println("run-local: shutdown took too long; halting");
                    Runtime.getRuntime().halt(1);
                } catch (InterruptedException done) {
                    // stopped in time
                }
            }, "shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            gateway.close();
            watchdog.interrupt();
        }, "shutdown"));
        gateway.printBanner(System.currentTimeMillis() - jvmStart);
    }

    private void printBanner(long sinceJvmStartMs) {
        String key = options.apiKeys().entrySet().iterator().next().getKey();
        String tenant = options.apiKeys().get(key);
        StringBuilder out = new StringBuilder();
        out.append(String.format("Wan 2.7 video gateway (local) ready in %.1f s%n", sinceJvmStartMs / 1000.0));
        out.append(String.format("  API        %s   (POST /v1/videos, GET /v1/videos/{id})%n", url()));
        out.append(String.format("  Playground %s/   (open it in a browser and enter the API key)%n", url()));
        out.append(String.format("  API key    %s   (tenant \"%s\"%s)%n", key, tenant,
                options.apiKeys().size() > 1 ? ", and " + (options.apiKeys().size() - 1) + " more from LOCAL_API_KEYS" : ""));
        if (simulator != null) {
            SimulatorSettings s = options.simulator();
            String run = s.runSecondsMin() == s.runSecondsMax() ? fmt(s.runSecondsMin()) : fmt(s.runSecondsMin()) + "-" + fmt(s.runSecondsMax());
            out.append(String.format("  DashScope  simulator at %s (PENDING %s s, RUNNING %s s); set DASHSCOPE_API_KEY for the real one%n",
                    simulator.baseUrl(), fmt(s.pendingSeconds()), run));
        } else {
            out.append(String.format("  DashScope  %s (real; tasks are billed)%n", options.dashScopeBaseUrl()));
        }
        out.append(String.format("  Data       %s%n", dynamoServer == null ? "external DynamoDB (" + functionEnv.get("TABLE_NAME") + ")"
                : options.dataDir() == null ? "in memory (--data DIR keeps tasks across restarts)" : "kept in " + options.dataDir().toAbsolutePath()));
        out.append(String.format("  Objects    %s%n", s3Server == null ? "external S3, bucket " + functionEnv.get("MEDIA_BUCKET")
                : "S3Proxy at " + s3Server.endpoint() + ", bucket " + functionEnv.get("MEDIA_BUCKET") + (options.dataDir() == null
                        ? ", in memory" : ", kept in " + options.dataDir().resolve("s3").toAbsolutePath())));
        String webhookSecret = functionEnv.get(LocalOptions.WEBHOOK_SECRET);
        out.append(String.format("  Webhooks   %s%n", webhookSecret == null
                ? "signed with each tenant's secret in Secrets Manager (" + functionEnv.getOrDefault("WEBHOOK_SECRET_PREFIX",
                        "wan-gateway/webhooks/") + "<tenant>)"
                : webhookSecretGenerated ? "signed with " + webhookSecret + "   (new each start; set LOCAL_WEBHOOK_SECRET to keep one)"
                : "signed with LOCAL_WEBHOOK_SECRET"));
        out.append("Press Ctrl-C to stop.");
        System.out.println(out);
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
