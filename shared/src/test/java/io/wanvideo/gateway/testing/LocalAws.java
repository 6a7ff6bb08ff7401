package io.wanvideo.gateway.testing;

import io.wanvideo.gateway.config.DynamoDbClients;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.S3Clients;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.store.dynamodb.TaskTable;
import io.wanvideo.local.embedded.LocalDynamoDb;
import io.wanvideo.local.embedded.LocalS3;
import io.wanvideo.local.embedded.LocalSqs;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * DynamoDB Local and ElasticMQ for tests, and S3Proxy once a test asks for S3: started once per test JVM on free
 * loopback ports, stopped at exit. Each test takes its own table, queues and bucket, so tests never see each
 * other's data.
 */
public final class LocalAws {
    private static LocalAws instance;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final LocalDynamoDb dynamoServer;
    private final LocalSqs sqsServer;
    private final DynamoDbClient dynamo;
    /** Built on first use: the status function's tests run without the SQS SDK on the classpath. */
    private SqsClient sqs;
    /** Started on first use: most test JVMs never touch S3. */
    private LocalS3 s3Server;
    private S3Client s3;

    private LocalAws() {
        dynamoServer = LocalDynamoDb.start();
        sqsServer = LocalSqs.start();
        Env env = new Env(endpoints());
        dynamo = DynamoDbClients.create(env);
    }

    public static synchronized LocalAws get() {
        if (instance == null) {
            instance = new LocalAws();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                synchronized (instance) {
                    if (instance.s3Server != null) {
                        instance.s3Server.close();
                    }
                }
                instance.sqsServer.close();
                instance.dynamoServer.close();
            }));
        }
        return instance;
    }

    public Map<String, String> endpoints() {
        return Map.of("AWS_ENDPOINT_URL_DYNAMODB", dynamoServer.endpoint().toString(),
                "AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString(),
                "AWS_REGION", "us-east-1");
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = SqsClients.create(new Env(endpoints()));
        }
        return sqs;
    }

    /** A client of the embedded S3 (S3Proxy), built as the functions build theirs. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = S3Clients.create(new Env(s3Environment(null)));
        }
        return s3;
    }

    /** A new, empty bucket. */
    public String newBucket() {
        String name = "media-" + COUNTER.incrementAndGet() + "-" + System.nanoTime();
        s3().createBucket(b -> b.bucket(name));
        return name;
    }

    /** What a function needs to use the embedded S3 and a bucket from {@link #newBucket()} (none if null). */
    public synchronized Map<String, String> s3Environment(String bucket) {
        if (s3Server == null) {
            s3Server = LocalS3.start();
        }
        Map<String, String> env = new HashMap<>(Map.of("AWS_ENDPOINT_URL_S3", s3Server.endpoint().toString(), "AWS_REGION", "us-east-1"));
        if (bucket != null) {
            env.put("MEDIA_BUCKET", bucket);
        }
        return env;
    }

    /** A new, empty task table. */
    public String newTable() {
        String name = "tasks-" + COUNTER.incrementAndGet() + "-" + System.nanoTime();
        TaskTable.createIfMissing(dynamo, name);
        return name;
    }

    public record Queues(String pollQueueUrl, String deadLetterQueueUrl, String deadLetterQueueArn) {}

    /** A new poll queue whose messages go to a new dead-letter queue after {@code maxReceives} failures. */
    public Queues newQueues(int maxReceives, int visibilityTimeoutSeconds) {
        String suffix = COUNTER.incrementAndGet() + "-" + System.nanoTime();
        SqsClient sqs = sqs();
        String dlq = sqs.createQueue(c -> c.queueName("dlq-" + suffix)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(g -> g.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queue = sqs.createQueue(c -> c.queueName("poll-" + suffix).attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceives + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}",
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)))).queueUrl();
        return new Queues(queue, dlq, dlqArn);
    }

    /** The environment a function would see, pointed at these servers. */
    public Map<String, String> environment(String table, Queues queues, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(endpoints());
        env.put("TABLE_NAME", table);
        if (queues != null) {
            env.put("QUEUE_URL", queues.pollQueueUrl());
            env.put("DEAD_LETTER_QUEUE_ARN", queues.deadLetterQueueArn());
        }
        // Functions that know the upstream accounts need a key to name; tests that call upstream give their own.
        env.put("DASHSCOPE_API_KEY", "sk-test");
        env.putAll(extra);
        return env;
    }
}
