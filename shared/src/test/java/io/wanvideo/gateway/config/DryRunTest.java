package io.wanvideo.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
}
