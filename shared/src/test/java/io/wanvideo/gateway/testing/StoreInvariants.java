package io.wanvideo.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.store.dynamodb.CounterAudit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every counter matches a recount from the task items (slots taken per account and pool, each tenant's waiting,
 * running and load per pool): a leak, a double release or a lost count fails the test. The recount is
 * {@link CounterAudit}, which the crash benchmark also runs on a data directory.
 */
public final class StoreInvariants {
    private StoreInvariants() {}

    public static void check(DynamoDbClient dynamo, String table) {
        assertThat(CounterAudit.run(dynamo, table).differences()).as("counters that differ from a recount of the tasks")
                .isEmpty();
    }
}
