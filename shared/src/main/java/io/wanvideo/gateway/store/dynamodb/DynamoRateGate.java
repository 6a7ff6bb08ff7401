package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.RateGate;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * {@link RateGate} on a DynamoDB item per key holding the earliest time the next call may start.
 * Taking a slot is one conditional write: next_ms must have passed, and becomes now + interval.
 * Calls are therefore spaced at least one interval apart across every poller instance.
 */
public final class DynamoRateGate implements RateGate {
    private static final String PREFIX = "rate#";
    private static final String NEXT_MS = "next_ms";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRateGate(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public long tryAcquire(String key, long intervalMs) {
        long now = clock.millis();
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + key)))
                    .updateExpression("SET #next = :next")
                    .conditionExpression("attribute_not_exists(#next) OR #next <= :now")
                    .expressionAttributeNames(Map.of("#next", NEXT_MS))
                    .expressionAttributeValues(Map.of(":next", TaskItems.n(now + intervalMs), ":now", TaskItems.n(now)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return 0;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            long next = old != null && old.containsKey(NEXT_MS) ? Long.parseLong(old.get(NEXT_MS).n()) : now + 1;
            return Math.max(1, next - now);
        }
    }
}
