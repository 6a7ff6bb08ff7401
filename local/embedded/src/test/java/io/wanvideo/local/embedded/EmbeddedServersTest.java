package io.wanvideo.local.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;

class EmbeddedServersTest {
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    @Test
    void dynamoDbKeepsItemsOnDiskAcrossRestarts(@TempDir Path dir) {
        try (LocalDynamoDb db = LocalDynamoDb.start(0, dir); DynamoDbClient client = dynamo(db)) {
            client.createTable(t -> t.tableName("tasks").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
            client.putItem(p -> p.tableName("tasks").item(java.util.Map.of("pk", AttributeValue.fromS("a"))));
        }
        try (LocalDynamoDb db = LocalDynamoDb.start(0, dir); DynamoDbClient client = dynamo(db)) {
            assertThat(client.getItem(g -> g.tableName("tasks").key(java.util.Map.of("pk", AttributeValue.fromS("a"))))
                    .hasItem()).isTrue();
        }
    }

    @Test
    void sqsDeliversAMessage() {
        try (LocalSqs sqs = LocalSqs.start();
                SqsClient client = SqsClient.builder().endpointOverride(sqs.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build()) {
            String url = client.createQueue(c -> c.queueName("q")).queueUrl();
            client.sendMessage(s -> s.queueUrl(url).messageBody("hello"));
            assertThat(client.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)).messages())
                    .extracting(m -> m.body()).containsExactly("hello");
        }
    }

    @Test
    void s3KeepsObjectsInMemory() {
        try (LocalS3 s3 = LocalS3.start(); S3Client client = s3(s3.endpoint(), CREDENTIALS)) {
            client.createBucket(b -> b.bucket("media"));
            client.putObject(p -> p.bucket("media").key("results/a.mp4"), RequestBody.fromString("video"));
            assertThat(client.getObjectAsBytes(g -> g.bucket("media").key("results/a.mp4")).asUtf8String()).isEqualTo("video");
        }
    }

    @Test
    void s3KeepsObjectsOnDiskAcrossRestarts(@TempDir Path dir) {
        try (LocalS3 s3 = LocalS3.start(dir); S3Client client = s3(s3.endpoint(), CREDENTIALS)) {
            client.createBucket(b -> b.bucket("media"));
            client.putObject(p -> p.bucket("media").key("inputs/t/0.png"), RequestBody.fromString("image"));
        }
        try (LocalS3 s3 = LocalS3.start(dir); S3Client client = s3(s3.endpoint(), CREDENTIALS)) {
            assertThat(client.getObjectAsBytes(g -> g.bucket("media").key("inputs/t/0.png")).asUtf8String()).isEqualTo("image");
        }
    }

    @Test
    void s3RefusesRequestsSignedWithAnotherKey() {
        try (LocalS3 s3 = LocalS3.start(); S3Client client = s3(s3.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "not-the-secret")))) {
            assertThatThrownBy(() -> client.createBucket(b -> b.bucket("media")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    /** As ./run-local runs them: started side by side in one JVM, each then serving its protocol. */
    @Test
    void dynamoDbElasticMqAndS3ProxyRunTogetherInOneJvm() {
        var dynamoStart = CompletableFuture.supplyAsync(LocalDynamoDb::start);
        var sqsStart = CompletableFuture.supplyAsync(LocalSqs::start);
        var s3Start = CompletableFuture.supplyAsync(LocalS3::start);
        try (LocalDynamoDb db = dynamoStart.join(); LocalSqs sqs = sqsStart.join(); LocalS3 s3 = s3Start.join();
                DynamoDbClient dynamo = dynamo(db); SqsClient queue = sqs(sqs); S3Client objects = s3(s3.endpoint(), CREDENTIALS)) {
            dynamo.createTable(t -> t.tableName("tasks").billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
            dynamo.putItem(p -> p.tableName("tasks").item(java.util.Map.of("pk", AttributeValue.fromS("a"))));
            String url = queue.createQueue(c -> c.queueName("q")).queueUrl();
            queue.sendMessage(m -> m.queueUrl(url).messageBody("hello"));
            objects.createBucket(b -> b.bucket("media"));
            objects.putObject(p -> p.bucket("media").key("k"), RequestBody.fromString("bytes"));

            assertThat(dynamo.getItem(g -> g.tableName("tasks").key(java.util.Map.of("pk", AttributeValue.fromS("a")))).hasItem())
                    .isTrue();
            assertThat(queue.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)).messages())
                    .extracting(m -> m.body()).containsExactly("hello");
            assertThat(objects.getObjectAsBytes(g -> g.bucket("media").key("k")).asString(StandardCharsets.UTF_8)).isEqualTo("bytes");
        }
    }

    /**
     * What the exclusions on S3Proxy in the root pom keep out: its POM names Jetty 11, Logback, SLF4J 2 and
     * jcl-over-slf4j, any of which would displace what DynamoDB Local and ElasticMQ run on.
     */
    @Test
    void s3ProxyBringsNoSecondJettyOrLoggingBackend() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        // DynamoDB Local's Jetty 12 is the one unshaded Jetty; S3Proxy runs its own, relocated.
        assertThat(org.eclipse.jetty.util.Jetty.VERSION).startsWith("12.");
        assertThat(loader.getResource("org/eclipse/jetty/servlet/ServletContextHandler.class")).isNull();
        assertThat(loader.getResource("org/gaul/shaded/org/eclipse/jetty/server/Server.class")).isNotNull();
        // SLF4J stays at the 1.7 API that log4j-slf4j-impl binds: 2.x has a provider SPI, 1.7 does not.
        assertThat(loader.getResource("org/slf4j/spi/SLF4JServiceProvider.class")).isNull();
        for (String absent : List.of("ch/qos/logback/classic/Logger.class", "com/azure/core/http/HttpClient.class",
                "com/amazonaws/auth/AWSCredentials.class")) {
            assertThat(loader.getResource(absent)).as(absent).isNull();
        }
        // Exactly one jar provides commons-logging (ElasticMQ's), not jcl-over-slf4j as well.
        assertThat(java.util.Collections.list(loader.getResources("org/apache/commons/logging/LogFactory.class"))).hasSize(1);
    }

    /** As the gateway's S3Clients builds it for a local endpoint: path-style, no checksum trailers. */
    private static S3Client s3(URI endpoint, StaticCredentialsProvider credentials) {
        return S3Client.builder().endpointOverride(endpoint).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static SqsClient sqs(LocalSqs sqs) {
        return SqsClient.builder().endpointOverride(sqs.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static DynamoDbClient dynamo(LocalDynamoDb db) {
        return DynamoDbClient.builder().endpointOverride(db.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
