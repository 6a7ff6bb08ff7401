package io.wanvideo.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.testing.LocalAws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * A dry run answers the gateway's own clients' calls on the spot, as a success read like a real one (SQS's digest
 * of the body checks out), and sends nothing; outside one, the same clients write for real.
 */
class DryRunTest {
    private final LocalAws aws = LocalAws.get();

    @Test
    void callsInsideADryRunAreAnsweredAndNothingIsWrittenOutsideTheyGoOut() {
        String table = aws.newTable();
        LocalAws.Queues queues = aws.newQueues(5, 30);
        Env env = new Env(aws.environment(table, queues, Map.of()));
        DynamoDbClient dynamo = DynamoDbClients.create(env);
        SqsClient sqs = SqsClients.create(env);
        TransactWriteItem put = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Map.of("pk", AttributeValue.fromS("dry#1"))).conditionExpression("attribute_not_exists(pk)")).build();
        SendMessageResponse[] sent = new SendMessageResponse[1];

        boolean answered = DryRun.run(() -> {
            dynamo.transactWriteItems(t -> t.transactItems(put));
            sent[0] = sqs.sendMessage(s -> s.queueUrl(queues.pollQueueUrl()).messageBody("{\"kind\":\"advance\"}").delaySeconds(0));
        });

        assertThat(answered).isTrue();
        assertThat(sent[0].md5OfMessageBody()).isEqualTo(DryRunHttpClient.md5("{\"kind\":\"advance\"}"));
        assertThat(dynamo.getItem(g -> g.tableName(table).key(Map.of("pk", AttributeValue.fromS("dry#1")))).hasItem()).isFalse();
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages()).isEmpty();

        // The same clients, outside: the write and the message are real.
        assertThat(DryRun.run(() -> {})).isFalse();
        dynamo.transactWriteItems(t -> t.transactItems(put));
        sqs.sendMessage(s -> s.queueUrl(queues.pollQueueUrl()).messageBody("{\"kind\":\"advance\"}"));
        assertThat(dynamo.getItem(g -> g.tableName(table).key(Map.of("pk", AttributeValue.fromS("dry#1")))).hasItem()).isTrue();
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages()).hasSize(1);
    }

    /**
     * Within one run, an item put (alone or in a transaction) is what a read of its key finds, so priming can place a
     * task and run its message; a read of another key, or of the same key in a later run, finds nothing, and the
     * table never holds it.
     */
    @Test
    void aReadInsideARunFindsWhatThatRunPutAndNothingElse() {
        String table = aws.newTable();
        DynamoDbClient dynamo = DynamoDbClients.create(new Env(aws.environment(table, aws.newQueues(5, 30), Map.of())));
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("dry#2"));
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("dry#2"), "state", AttributeValue.fromS("running"),
                "version", AttributeValue.fromN("3"), "media", AttributeValue.fromL(List.of(AttributeValue.fromS("a.png"))));
        Map<String, AttributeValue> later = Map.of("pk", AttributeValue.fromS("dry#2"), "state", AttributeValue.fromS("done"));
        List<GetItemResponse> read = new ArrayList<>();

        DryRun.run(() -> {
            read.add(dynamo.getItem(g -> g.tableName(table).key(key)));
            dynamo.transactWriteItems(t -> t.transactItems(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build()));
            read.add(dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)));
            read.add(dynamo.getItem(g -> g.tableName(table).key(Map.of("pk", AttributeValue.fromS("dry#3")))));
            read.add(dynamo.getItem(g -> g.tableName("another-table").key(key)));
            dynamo.putItem(p -> p.tableName(table).item(later));
            read.add(dynamo.getItem(g -> g.tableName(table).key(key)));
        });
        DryRun.run(() -> read.add(dynamo.getItem(g -> g.tableName(table).key(key))));

        assertThat(read).extracting(GetItemResponse::item).containsExactly(Map.of(), item, Map.of(), Map.of(), later, Map.of());
        assertThat(dynamo.getItem(g -> g.tableName(table).key(key)).hasItem()).isFalse();
    }
}
