package io.wanvideo.local.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The floor of the cold-start benchmark: what no function can avoid. It builds the SDK clients the function builds
 * at init, configured as the gateway configures them (region, credentials, the URLConnection HTTP client, the
 * endpoints), and makes the AWS calls the function's sample invocation makes, the same operations in the same
 * number on the same kind of item (checked by the benchmark's recording run), on its own fresh table and queue.
 * Then it makes them again, as a warm function would.
 */
final class ColdStartFloor {
    private ColdStartFloor() {}

    private static DynamoDbClient dynamo;
    private static SqsClient sqs;
    private static String table;
    private static String queue;

    static void run(String function, Properties event) throws Exception {
        table = System.getenv("TABLE_NAME");
        queue = System.getenv("QUEUE_URL");
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        Region region = Region.of(System.getenv("AWS_REGION"));
        dynamo = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(ColdStartProbe.endpoint("DYNAMODB")).build();
        if (!function.equals("status")) {
            sqs = SqsClient.builder().region(region).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(ColdStartProbe.endpoint("SQS")).build();
        }
        // Every function keeps MEDIA_BUCKET's client and presigner.
        S3Client.builder().region(region).credentialsProvider(credentials).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(ColdStartProbe.endpoint("S3")).build();
        S3Presigner.builder().region(region).credentialsProvider(credentials).endpointOverride(ColdStartProbe.endpoint("S3"))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        ColdStartProbe.mark("clients");
        Runnable calls = switch (function) {
            case "submit" -> ColdStartFloor::submit;
            case "status" -> ColdStartFloor::status;
            case "poller" -> ColdStartFloor::poller;
            default -> throw new IllegalArgumentException(function);
        };
        calls.run();
        ColdStartProbe.mark("calls");
        calls.run();
        ColdStartProbe.mark("again");
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk));
    }

    private static void getItem(String pk) {
        dynamo.getItem(g -> g.tableName(table).key(key(pk)).consistentRead(true));
    }

    /** The API key, the task with its tenant's counters and quota minute in one transaction, the start message. */
    private static void submit() {
        getItem("apikey#0000000000000000000000000000000000000000000000000000000000000000");
        long now = System.currentTimeMillis();
        String id = "video_floor" + System.nanoTime();
        dynamo.transactWriteItems(t -> t.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(Map.of("pk", AttributeValue.fromS("task#" + id),
                        "id", AttributeValue.fromS(id), "state", AttributeValue.fromS("QUEUED"),
                        "spec", AttributeValue.fromS("{\"model\":\"wan2.7-r2v\",\"prompt\":\"a cat\"}"),
                        "created_ms", AttributeValue.fromN(Long.toString(now))))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key("fair#floor#tenant"))
                        .updateExpression("SET waiting = if_not_exists(waiting, :zero) + :one")
                        .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key("quota#tenant#" + now / 60_000))
                        .updateExpression("SET #c = if_not_exists(#c, :zero) + :one").expressionAttributeNames(Map.of("#c", "count"))
                        .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build()));
        sqs.sendMessage(s -> s.queueUrl(queue).messageBody("{\"kind\":\"advance\",\"task_id\":\"" + id + "\",\"version\":1}"));
    }

    /** The API key, then the task. */
    private static void status() {
        getItem("apikey#0000000000000000000000000000000000000000000000000000000000000000");
        getItem("task#" + ColdStartBenchmark.TASK_ID);
    }

    /**
     * The sample batch's two messages side by side, as the poller's workers handle them: an advance of a queued task
     * (the task, the accounts and counters, the fair queue, the slot claimed in one transaction, the message to
     * dispatch it) and a sweep (slot holders, the fair queues, the backlog heads, account states, capacity records).
     */
    private static void poller() {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        done.add(workers.submit(() -> {
            getItem("task#" + ColdStartBenchmark.TASK_ID);
            for (int i = 0; i < 3; i++) {
                query("fair-queue", "fair_pool");
                batchGet(2);
            }
            getItem("task#" + ColdStartBenchmark.TASK_ID);
            update("rate#floor");
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("slots#floor"))
                            .updateExpression("SET used = if_not_exists(used, :zero) + :one")
                            .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("fair#floor#tenant"))
                            .updateExpression("SET running = if_not_exists(running, :zero) + :one")
                            .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build()));
            sqs.sendMessage(s -> s.queueUrl(queue).messageBody("{\"kind\":\"advance\",\"task_id\":\"floor\",\"version\":2}"));
        }));
        done.add(workers.submit(() -> {
            for (int i = 0; i < 4; i++) {
                query("slot-holders", "holder_pool");
            }
            for (int i = 0; i < 3; i++) {
                query("fair-queue", "fair_pool");
                batchGet(2);
            }
            batchGet(1);
            batchGet(1);
            batchGet(1);
            update("accounts#floor");
            update("capacity#floor");
            for (int i = 0; i < 2; i++) {
                batchGet(1);
                batchGet(1);
            }
        }));
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            workers.shutdown();
        }
    }

    private static void query(String index, String hashKey) {
        dynamo.query(q -> q.tableName(table).indexName(index).keyConditionExpression("#h = :h")
                .expressionAttributeNames(Map.of("#h", hashKey))
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS("wan2.7-r2v"))).limit(5));
    }

    private static void batchGet(int keys) {
        List<Map<String, AttributeValue>> list = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            list.add(key("fair#wan2.7-r2v#tenant-" + i));
        }
        dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().keys(list).consistentRead(true).build())));
    }

    private static void update(String pk) {
        dynamo.updateItem(u -> u.tableName(table).key(key(pk)).updateExpression("SET #v = :v")
                .expressionAttributeNames(Map.of("#v", "value")).expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
    }
}
