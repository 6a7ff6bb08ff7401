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

    /** The item of an account's state; the task store reads it beside the slot counters (SlotCounts). */
    static String key(String account) {
        return PREFIX + account;
    }

    /** Whether an account's item (null: never paused) says it is paused. */
    static boolean paused(Map<String, AttributeValue> item) {
        return item != null && item.containsKey("paused") && item.get("paused").bool();
    }

    @Override
    public Map<String, AccountStatus> read(Collection<String> accounts) {
        Map<String, Map<String, AttributeValue>> items = transactions.getAll(table,
                accounts.stream().map(DynamoAccountStates::key).toList());
        Map<String, AccountStatus> states = new LinkedHashMap<>();
        for (String account : accounts) {
            Map<String, AttributeValue> item = items.get(key(account));
            if (item != null) {
                states.put(account, new AccountStatus(account, paused(item),
                        TaskItems.str(item, "reason"), TaskItems.optNum(item, "paused_since_ms"),
                        TaskItems.optNum(item, "probe_after_ms")));
            }
        }
        return states;
    }

    @Override
    public void pause(String account, String reason, long nowMs, long probeAfterMs) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(key(account))))
                .updateExpression("SET #paused = :true, #reason = :reason, #since = if_not_exists(#since, :now), "
                        + "#probe = :probe")
                .expressionAttributeNames(Map.of("#paused", "paused", "#reason", "reason", "#since", "paused_since_ms",
                        "#probe", "probe_after_ms"))
                .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                        ":reason", AttributeValue.fromS(reason), ":now", TaskItems.n(nowMs), ":probe", TaskItems.n(probeAfterMs))));
    }

    @Override
    public void recordCapacity(String pool, Map<String, Integer> slotsByAccount) {
        int total = slotsByAccount.values().stream().mapToInt(Integer::intValue).sum();
        // The accounts as "name=slots,..." in the configuration's order: one string compares in a condition.
        String accounts = slotsByAccount.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(","));
        // Only when it changed: the sweep records it every minute, and most minutes nothing changed.
        try {
            dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(CAPACITY_PREFIX + pool)))
                    .updateExpression("SET #slots = :slots, #accounts = :accounts")
                    .conditionExpression("attribute_not_exists(#slots) OR #slots <> :slots OR attribute_not_exists(#accounts) "
                            + "OR #accounts <> :accounts")
                    .expressionAttributeNames(Map.of("#slots", "slots", "#accounts", "accounts"))
                    .expressionAttributeValues(Map.of(":slots", TaskItems.n(total), ":accounts", AttributeValue.fromS(accounts))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException unchanged) {
            // already recorded
        }
    }

    @Override
    public java.util.Optional<Integer> capacity(String pool) {
        Map<String, AttributeValue> item = capacityItem(pool);
        return item == null || !item.containsKey("slots") ? java.util.Optional.empty()
                : java.util.Optional.of(Integer.valueOf(item.get("slots").n()));
    }

    @Override
    public Map<String, Integer> accountSlots(String pool) {
        Map<String, AttributeValue> item = capacityItem(pool);
        Map<String, Integer> slots = new LinkedHashMap<>();
        String accounts = item == null ? null : TaskItems.str(item, "accounts");
        if (accounts != null && !accounts.isEmpty()) {
            for (String pair : accounts.split(",")) {
                int eq = pair.lastIndexOf('=');
                slots.put(pair.substring(0, eq), Integer.valueOf(pair.substring(eq + 1)));
            }
        }
        return slots;
    }

    private Map<String, AttributeValue> capacityItem(String pool) {
        return dynamo.getItem(g -> g.tableName(table)
                .key(Map.of(TaskTable.PK, AttributeValue.fromS(CAPACITY_PREFIX + pool)))).item();
    }

    @Override
    public void resume(String account) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of(TaskTable.PK, AttributeValue.fromS(key(account))))
                .updateExpression("SET #paused = :false REMOVE #since, #probe, #reason")
                .expressionAttributeNames(Map.of("#paused", "paused", "#since", "paused_since_ms", "#probe", "probe_after_ms",
                        "#reason", "reason"))
                .expressionAttributeValues(Map.of(":false", AttributeValue.fromBool(false))));
    }
}
