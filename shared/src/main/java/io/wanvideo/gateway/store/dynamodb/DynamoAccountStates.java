package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.AccountStates;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@link AccountStates} as items {@code account#<name>} in the task table. */
public final class DynamoAccountStates implements AccountStates {
    private static final String PREFIX = "account#";
    private static final String CAPACITY_PREFIX = "capacity#";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Transactions transactions;

    public DynamoAccountStates(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.transactions = new Transactions(dynamo);
    }

    @Override
    public Map<String, AccountStatus> read(Collection<String> accounts) {
        Map<String, Map<String, AttributeValue>> items = transactions.getAll(table,
                accounts.stream().map(a -> PREFIX + a).toList());
        Map<String, AccountStatus> states = new LinkedHashMap<>();
        for (String account : accounts) {
            Map<String, AttributeValue> item = items.get(PREFIX + account);
            if (item != null) {
                states.put(account, new AccountStatus(account, item.containsKey("paused") && item.get("paused").bool(),
                        TaskItems.str(item, "reason"), TaskItems.optNum(item, "paused_since_ms"),
                        TaskItems.optNum(item, "probe_after_ms")));
            }
        }
        return states;
    }

    @Override
    public void pause(String account, String reason, long nowMs, long probeAfterMs) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + account)))
                .updateExpression("SET #paused = :true, #reason = :reason, #since = if_not_exists(#since, :now), "
                        + "#probe = :probe")
                .expressionAttributeNames(Map.of("#paused", "paused", "#reason", "reason", "#since", "paused_since_ms",
                        "#probe", "probe_after_ms"))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                        ":reason", AttributeValue.fromS(reason), ":now", TaskItems.n(nowMs), ":probe", TaskItems.n(probeAfterMs))));
    }

    @Override
    public void recordCapacity(String pool, int slots) {
        // Only when it changed: the sweep records it every minute, and most minutes nothing changed.
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(CAPACITY_PREFIX + pool)))
                    .updateExpression("SET #slots = :slots")
                    .conditionExpression("attribute_not_exists(#slots) OR #slots <> :slots")
                    .expressionAttributeNames(Map.of("#slots", "slots"))
                    .expressionAttributeValues(Map.of(":slots", TaskItems.n(slots))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException unchanged) {
            // already recorded
        }
    }

    @Override
    public java.util.Optional<Integer> capacity(String pool) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                .key(Map.of(TaskTable.PK, AttributeValue.fromS(CAPACITY_PREFIX + pool)))).item();
        return item == null || !item.containsKey("slots") ? java.util.Optional.empty()
                : java.util.Optional.of(Integer.valueOf(item.get("slots").n()));
    }

    @Override
    public void resume(String account) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + account)))
                .updateExpression("SET #paused = :false REMOVE #since, #probe, #reason")
                .expressionAttributeNames(Map.of("#paused", "paused", "#since", "paused_since_ms", "#probe", "probe_after_ms",
                        "#reason", "reason"))
                .expressionAttributeValues(Map.of(":false", AttributeValue.fromBool(false))));
    }
}
