package io.wanvideo.local.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

    private static DynamoDbClient dynamo(LocalDynamoDb db) {
        return DynamoDbClient.builder().endpointOverride(db.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
