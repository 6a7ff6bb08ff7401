package io.wanvideo.local;

import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.gateway.config.DynamoDbClients;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.store.dynamodb.TaskTable;
import io.wanvideo.local.embedded.LocalDynamoDb;
import io.wanvideo.local.embedded.LocalS3;
import io.wanvideo.local.embedded.LocalSqs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What the functions run against on one machine, as template.yaml provisions it in AWS: DynamoDB Local, ElasticMQ
 * and S3Proxy embedded (each unless the environment names an external one: LocalStack or real AWS), the DashScope
 * simulator (unless a real key is given), the table, the poll queue with its dead-letter redrive, and the media
 * bucket. The slow servers start side by side; whatever started is stopped with it, even when another part failed.
 */
final class LocalInfrastructure implements AutoCloseable {
    private final LocalOptions options;
    /** Stopped in this order: clients first, then the servers, the simulator last. */
    private final StopList resources = new StopList();
    private LocalDynamoDb dynamoServer;
    private LocalSqs sqsServer;
    private LocalS3 s3Server;
    private DashScopeSimulator simulator;
    private DynamoDbClient dynamo;
    private SqsClient sqs;
    private S3Client s3;
    private Map<String, String> awsEnvironment;
    private String table;
    private String bucket;
    private String queueUrl;
    private String deadLetterUrl;

    private LocalInfrastructure(LocalOptions options) {
        this.options = options;
    }

    static LocalInfrastructure start(LocalOptions options) {
        LocalInfrastructure infrastructure = new LocalInfrastructure(options);
        try {
            infrastructure.startAll();
            return infrastructure;
        } catch (RuntimeException e) {
            infrastructure.close();
            throw e;
        }
    }

    private void startAll() {
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
            resources.stopLast(simulator);
        }
        // Every server that did start is stopped with the stack, even if another failed.
        CompletableFuture.allOf(dynamoStart, sqsStart, s3Start).handle((ok, failed) -> null).join();
        for (CompletableFuture<? extends AutoCloseable> start : List.of(dynamoStart, sqsStart, s3Start)) {
            if (!start.isCompletedExceptionally() && start.join() != null) {
                resources.stopFirst(start.join());
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
        awsEnvironment = Map.copyOf(env);
        Env clientEnv = new Env(env);
        dynamo = DynamoDbClients.create(clientEnv);
        sqs = SqsClients.create(clientEnv);
        resources.stopFirst(dynamo);
        resources.stopFirst(sqs);
        // The bucket is made ready beside the table and queues.
        bucket = aws.getOrDefault("MEDIA_BUCKET", LocalGateway.BUCKET);
        CompletableFuture<S3Client> s3Ready = CompletableFuture.supplyAsync(() -> {
            S3Client client = S3Clients.create(clientEnv);
            if (!aws.containsKey("MEDIA_BUCKET")) {
                createBucketIfMissing(client, bucket);
            }
            return client;
        });

        table = aws.getOrDefault("TABLE_NAME", LocalGateway.TABLE);
        if (!aws.containsKey("TABLE_NAME")) {
            TaskTable.createIfMissing(dynamo, table);
        }
        if (aws.containsKey("QUEUE_URL")) {
            queueUrl = aws.get("QUEUE_URL");
            deadLetterUrl = required(aws, "DEAD_LETTER_QUEUE_URL");
        } else {
            deadLetterUrl = sqs.createQueue(c -> c.queueName(LocalGateway.DEAD_LETTER_QUEUE)).queueUrl();
            queueUrl = sqs.createQueue(c -> c.queueName(LocalGateway.QUEUE).attributes(Map.of(
                    QueueAttributeName.REDRIVE_POLICY, "{\"maxReceiveCount\":\"" + LocalGateway.MAX_RECEIVES
                            + "\",\"deadLetterTargetArn\":\"" + arn(deadLetterUrl) + "\"}",
                    QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
        }
        s3 = joined(s3Ready);
        resources.stopFirst(s3);
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

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) {
            throw new LocalOptions.UsageException(name + " is required with QUEUE_URL");
        }
        return v;
    }

    String arn(String url) {
        return sqs.getQueueAttributes(g -> g.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** The AWS part of the functions' environment: the region and each embedded server's endpoint. */
    Map<String, String> awsEnvironment() {
        return awsEnvironment;
    }

    /** Whether all three of DynamoDB, SQS and S3 run embedded here (none is LocalStack or AWS). */
    boolean allEmbedded() {
        return dynamoServer != null && sqsServer != null && s3Server != null;
    }

    /** Whether the queue is a fresh embedded one, holding no message for the tasks a kept table may have. */
    boolean freshQueue() {
        return sqsServer != null;
    }

    /** For the banner: where tasks are kept. */
    String dataDescription() {
        return dynamoServer == null ? "external DynamoDB (" + table + ")"
                : options.dataDir() == null ? "in memory (--data DIR keeps tasks across restarts)"
                : "kept in " + options.dataDir().toAbsolutePath();
    }

    /** For the banner: where media and results are kept. */
    String objectsDescription() {
        return s3Server == null ? "external S3, bucket " + bucket
                : "S3Proxy at " + s3Server.endpoint() + ", bucket " + bucket + (options.dataDir() == null
                        ? ", in memory" : ", kept in " + options.dataDir().resolve("s3").toAbsolutePath());
    }

    DashScopeSimulator simulator() {
        return simulator;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    SqsClient sqs() {
        return sqs;
    }

    S3Client s3() {
        return s3;
    }

    String table() {
        return table;
    }

    String bucket() {
        return bucket;
    }

    String queueUrl() {
        return queueUrl;
    }

    String deadLetterUrl() {
        return deadLetterUrl;
    }

    @Override
    public void close() {
        resources.close();
    }
}
