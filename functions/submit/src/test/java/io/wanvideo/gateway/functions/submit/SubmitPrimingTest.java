package io.wanvideo.gateway.functions.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Priming before a SnapStart snapshot (README, "Operations") writes nothing and sends nothing, even run twice. */
class SubmitPrimingTest {
    private final LocalAws aws = LocalAws.get();

    @Test
    void primingWritesNothingAndSendsNothing() {
        String table = aws.newTable();
        LocalAws.Queues queues = aws.newQueues(5, 30);
        // Even with a tenant's key in the table, the priming key is not one of them.
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash("sk-wan-example-key-0000"), ApiKeyStore.ApiKeyRecord.of("t"));
        ApiGatewaySubmitVideoHandler handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues, Map.of())));
        int before = aws.dynamo().scan(s -> s.tableName(table)).count();

        handler.prime();
        handler.prime();

        assertThat(aws.dynamo().scan(s -> s.tableName(table)).count()).isEqualTo(before);
        assertThat(aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages()).isEmpty();
    }
}
