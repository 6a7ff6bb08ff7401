package io.wanvideo.local.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
            case "poller-poll" -> ColdStartFloor::poll;
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
     * The sample batch's two messages side by side, as the poller's workers handle them. An advance of a queued task:
     * the task, the accounts' slot counts and pause flags (one read), the fair queue and its tenant's share, the
     * tenant's backlog head, the task again, the slot claimed in one transaction, the share's head moved on, the
     * message to dispatch it, and then, the slot taken on arrival, the create and what follows it (see below). A sweep:
     * per pool the slot holders and the backlog (fair queue, shares: one tenant waits, in one pool), the effects due,
     * the paused accounts; per pool the capacity record; a fill of the pool where someone waits (slot counts and pause
     * flags, fair queue, shares); the gauges (slot counts per pool) and the watcher's running index.
     */
    private static void poller() {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        done.add(workers.submit(() -> {
            getItem("task#" + ColdStartBenchmark.TASK_ID);
            batchGet("slots#", "account#");
            query("fair-queue", "fair_pool");
            batchGet("fair#");
            query("backlog", "backlog_pool");
            getItem("task#" + ColdStartBenchmark.TASK_ID);
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("slots#floor"))
                            .updateExpression("SET used = if_not_exists(used, :zero) + :one")
                            .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(key("fair#floor#tenant"))
                            .updateExpression("SET running = if_not_exists(running, :zero) + :one")
                            .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":one", AttributeValue.fromN("1")))).build()));
            update("fair#floor");
            sqs.sendMessage(s -> s.queueUrl(queue).messageBody("{\"kind\":\"advance\",\"task_id\":\"floor\",\"version\":2}"));
            // The task took its slot on arrival, so the same handling creates it: the account's create rate, the
            // task marked SUBMITTING, the create call, the task RUNNING and its first poll queued, the account's
            // completion watcher started (its lease and message); then the next fill finds no slot.
            update("rate#floor");
            update("task#floor");
            createUpstream();
            update("task#floor");
            sqs.sendMessage(s -> s.queueUrl(queue).delaySeconds(30).messageBody("{\"kind\":\"advance\",\"task_id\":\"floor\",\"version\":4}"));
            getItem("watch#floor");
            update("watch#floor");
            sqs.sendMessage(s -> s.queueUrl(queue).delaySeconds(30).messageBody("{\"kind\":\"watch\",\"account\":\"floor\"}"));
            batchGet("slots#", "account#");
            query("fair-queue", "fair_pool");
            batchGet("fair#");
        }));
        done.add(workers.submit(() -> {
            for (int pool = 0; pool < 2; pool++) {
                query("slot-holders", "holder_pool");
                query("fair-queue", "fair_pool");
            }
            batchGet("fair#");
            query("effects-due", "effects_shard");
            batchGet("account#");
            for (int pool = 0; pool < 2; pool++) {
                update("capacity#floor");
            }
            batchGet("slots#", "account#");
            query("fair-queue", "fair_pool");
            batchGet("fair#");
            for (int pool = 0; pool < 2; pool++) {
                batchGet("slots#", "account#");
            }
            query("running", "running_account");
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

    /**
     * One poll of a running task: the task, the account's query rate, the query at the simulator, whether the
     * account's completion watcher is on (its lease: it decides the plan), the task's next poll recorded and its message (the calls checked against the function's by the recording run).
     */
    private static void poll() {
        String upstreamId = dynamo.getItem(g -> g.tableName(table).key(key("task#" + ColdStartBenchmark.POLLED_TASK_ID))
                .consistentRead(true)).item().get("upstream_id").s();
        update("rate#floor");
        upstream(HttpRequest.newBuilder(URI.create(System.getenv("DASHSCOPE_BASE_URL") + "/api/v1/tasks/" + upstreamId))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + System.getenv("DASHSCOPE_API_KEY")).GET());
        getItem("watch#floor");
        update("task#floor");
        sqs.sendMessage(s -> s.queueUrl(queue).delaySeconds(30).messageBody("{\"kind\":\"advance\",\"task_id\":\"floor\",\"version\":4}"));
    }

    /** A create at the simulator as the DashScope client makes it. */
    private static void createUpstream() {
        String body = "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"a cat\",\"media\":[{\"type\":\"reference_image\","
                + "\"url\":\"https://example.com/a.png\"}]},\"parameters\":{\"resolution\":\"720P\",\"duration\":5}}";
        upstream(HttpRequest.newBuilder(URI.create(System.getenv("DASHSCOPE_BASE_URL")
                        + "/api/v1/services/aigc/video-generation/video-synthesis"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + System.getenv("DASHSCOPE_API_KEY"))
                .header("Content-Type", "application/json").header("X-DashScope-Async", "enable")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A call at the simulator through the JDK's HTTP client, built on first use, as the DashScope client does. */
    private static void upstream(HttpRequest.Builder request) {
        if (upstream == null) {
            upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        }
        try {
            upstream.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient upstream;

    private static void query(String index, String hashKey) {
        dynamo.query(q -> q.tableName(table).indexName(index).keyConditionExpression("#h = :h")
                .expressionAttributeNames(Map.of("#h", hashKey))
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS("wan2.7-r2v"))).limit(5));
    }

    /** One item of each kind, read as the gateway reads its counters: consistently, in one batch. */
    private static void batchGet(String... kinds) {
        List<Map<String, AttributeValue>> keys = Arrays.stream(kinds).map(kind -> key(kind + "floor")).toList();
        dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
    }

    private static void update(String pk) {
        dynamo.updateItem(u -> u.tableName(table).key(key(pk)).updateExpression("SET #v = :v")
                .expressionAttributeNames(Map.of("#v", "value")).expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1"))));
    }
}
