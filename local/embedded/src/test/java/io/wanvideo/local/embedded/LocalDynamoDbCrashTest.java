package io.wanvideo.local.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * ./run-local --data killed with SIGKILL (the crash benchmark does it five times a run) must not lose what DynamoDB
 * Local acknowledged: before LocalDynamoDb waited for each transaction's COMMIT, about every other kill in this test
 * lost the last acknowledged transaction, as the benchmark lost a task whose submission had been answered 200.
 */
class LocalDynamoDbCrashTest {
    private static final int ROUNDS = 3;
    private static final int WRITERS = 8;

    /** DynamoDB Local on a data directory, in a process of its own that the test kills. */
    public static final class Server {
        public static void main(String[] args) throws InterruptedException {
            LocalDynamoDb.start(Integer.parseInt(args[0]), Path.of(args[1]));
            System.out.println("ready");
            System.out.flush();
            Thread.currentThread().join();
        }
    }

    @Test
    void everyAcknowledgedTransactionSurvivesSigkill(@TempDir Path dir) throws Exception {
        Random random = new Random();
        for (int round = 0; round < ROUNDS; round++) {
            Path data = dir.resolve("round-" + round);
            int port = LoopbackPorts.free();
            Process server = startServer(port, data);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<Thread> writers = new ArrayList<>();
            try (DynamoDbClient client = dynamo(URI.create("http://127.0.0.1:" + port))) {
                client.createTable(t -> t.tableName("tasks").billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    Thread thread = new Thread(() -> {
                        // As a submission: the task and its tenant's counter in one transaction, until the server dies.
                        try {
                            for (int i = 0; ; i++) {
                                String key = "task#" + writer + "-" + i;
                                client.transactWriteItems(tx -> tx.transactItems(
                                        TransactWriteItem.builder().put(p -> p.tableName("tasks")
                                                .item(Map.of("pk", AttributeValue.fromS(key)))).build(),
                                        TransactWriteItem.builder().update(u -> u.tableName("tasks")
                                                .key(Map.of("pk", AttributeValue.fromS("count")))
                                                .updateExpression("ADD n :one")
                                                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build()));
                                acknowledged.add(key);
                            }
                        } catch (RuntimeException serverGone) {
                            // the kill
                        }
                    });
                    thread.start();
                    writers.add(thread);
                }
                while (acknowledged.size() < 20) {
                    Thread.sleep(20);
                }
                Thread.sleep(random.nextInt(300));
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                for (Thread w : writers) {
                    w.join(30_000);
                }
            } finally {
                server.destroyForcibly();
            }
            try (LocalDynamoDb db = LocalDynamoDb.start(0, data); DynamoDbClient client = dynamo(db.endpoint())) {
                List<String> kept = client.scanPaginator(s -> s.tableName("tasks").consistentRead(true)).items().stream()
                        .map(i -> i.get("pk").s()).filter(k -> k.startsWith("task#")).toList();
                assertThat(kept).as("round %d: every acknowledged transaction is on disk", round).containsAll(acknowledged);
                long counted = Long.parseLong(client.getItem(g -> g.tableName("tasks").consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS("count")))).item().get("n").n());
                assertThat(counted).as("round %d: the counter moved with the tasks", round).isEqualTo(kept.size());
            }
        }
    }

    private static Process startServer(int port, Path data) throws Exception {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"), Server.class.getName(),
                Integer.toString(port), data.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("ready")) {
                // Keep reading, so the server never blocks on a full pipe.
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(Writer.nullWriter());
                    } catch (IOException ended) {
                        // killed
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start in its own process");
    }

    private static DynamoDbClient dynamo(URI endpoint) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10)))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
