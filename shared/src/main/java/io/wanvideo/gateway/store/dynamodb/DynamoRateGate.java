package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.RateGate;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * {@link RateGate} on a DynamoDB item per key holding the start of the next free call slot. Taking the slot free now is
 * one conditional write (the slot must have started; the next starts one interval on). Taking a slot ahead is one
 * conditional write too, on the value just read (the next slot moves one interval on from it): a caller that lost the
 * race to another reads the newer value from the refusal and takes the slot after it. Calls are therefore spaced at
 * least one interval apart across every poller instance.
 */
public final class DynamoRateGate implements RateGate {
    private static final String PREFIX = "rate#";
    private static final String NEXT_MS = "next_ms";
    /** Races lost in a row before giving up on a slot ahead (each loss means another caller took one). */
    private static final int MAX_ATTEMPTS = 20;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRateGate(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Slot reserve(String key, long intervalMs, long maxWaitMs) {
        long now = clock.millis();
        Long next = null; // unknown until a write is refused
        for (int attempt = 1; ; attempt++) {
            boolean freeNow = next == null || next <= now;
            long start = freeNow ? now : next;
            if (start - now > maxWaitMs || attempt > MAX_ATTEMPTS) {
                return new Slot(false, Math.max(1, start - now));
            }
            try {
                long seen = start;
                dynamo.updateItem(u -> u.tableName(table)
                        .key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + key)))
                        .updateExpression("SET #next = :next")
                        .conditionExpression(freeNow ? "attribute_not_exists(#next) OR #next <= :now" : "#next = :seen")
                        .expressionAttributeNames(Map.of("#next", NEXT_MS))
                        .expressionAttributeValues(freeNow
                                ? Map.of(":next", TaskItems.n(now + intervalMs), ":now", TaskItems.n(now))
                                : Map.of(":next", TaskItems.n(seen + intervalMs), ":seen", TaskItems.n(seen)))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                return new Slot(true, start - now);
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> old = e.item();
                next = old != null && old.containsKey(NEXT_MS) ? Long.valueOf(old.get(NEXT_MS).n()) : now;
            }
        }
    }
}
