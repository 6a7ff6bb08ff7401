package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.WatchLeases;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** {@link WatchLeases} as items {@code watch#<account>} in the task table: every change one conditional write. */
public final class DynamoWatchLeases implements WatchLeases {
    private static final String PREFIX = "watch#";
    private static final String OWNER = "owner";
    private static final String VERSION = "version";
    private static final String NEXT_MS = "next_ms";
    private static final String EXPIRES_MS = "expires_ms";
    private static final String FAILURES = "failures";
    private static final String MISSING = "missing_rounds";
    private static final String OFF_UNTIL_MS = "off_until_ms";
    private static final String OFF_REASON = "off_reason";
    private static final String OFF_SINCE_MS = "off_since_ms";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoWatchLeases(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Lease> read(String account) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(key(account)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(account, item));
    }

    @Override
    public Optional<Lease> start(String account, String owner, long nowMs, long nextMs, long expiresMs) {
        return update(account, "SET #owner = :owner, #version = :one, #next = :next, #expires = :expires, #failures = :zero, "
                        + "#missing = :zero REMOVE #offUntil, #offReason, #offSince",
                "(attribute_not_exists(#owner) OR #expires <= :now) AND (attribute_not_exists(#offUntil) OR #offUntil <= :now)",
                Map.of(":owner", TaskItems.s(owner), ":one", TaskItems.n(1), ":next", TaskItems.n(nextMs),
                        ":expires", TaskItems.n(expiresMs), ":zero", TaskItems.n(0), ":now", TaskItems.n(nowMs)));
    }

    @Override
    public Optional<Lease> handOver(Lease held, long nextMs, long expiresMs, int failures, int missingRounds) {
        return update(held.account(), "SET #version = :nextVersion, #next = :next, #expires = :expires, "
                        + "#failures = :failures, #missing = :missing",
                "#owner = :owner AND #version = :version",
                Map.of(":owner", TaskItems.s(held.owner()), ":version", TaskItems.n(held.version()),
                        ":nextVersion", TaskItems.n(held.version() + 1), ":next", TaskItems.n(nextMs),
                        ":expires", TaskItems.n(expiresMs), ":failures", TaskItems.n((long) failures),
                        ":missing", TaskItems.n((long) missingRounds)));
    }

    @Override
    public boolean release(Lease held) {
        return update(held.account(), "REMOVE #owner, #expires, #next", "#owner = :owner AND #version = :version",
                Map.of(":owner", TaskItems.s(held.owner()), ":version", TaskItems.n(held.version()))).isPresent();
    }

    @Override
    public void turnOff(String account, String reason, long nowMs, long untilMs) {
        update(account, "SET #offUntil = :until, #offReason = :reason, #offSince = :now REMOVE #owner, #expires, #next",
                null, Map.of(":until", TaskItems.n(untilMs), ":reason", TaskItems.s(reason), ":now", TaskItems.n(nowMs)));
    }

    private Optional<Lease> update(String account, String expression, String condition, Map<String, AttributeValue> values) {
        Map<String, String> names = new HashMap<>();
        for (String[] name : new String[][] {{"#owner", OWNER}, {"#version", VERSION}, {"#next", NEXT_MS},
                {"#expires", EXPIRES_MS}, {"#failures", FAILURES}, {"#missing", MISSING}, {"#offUntil", OFF_UNTIL_MS},
                {"#offReason", OFF_REASON}, {"#offSince", OFF_SINCE_MS}}) {
            if (expression.contains(name[0]) || (condition != null && condition.contains(name[0]))) {
                names.put(name[0], name[1]);
            }
        }
        try {
            UpdateItemResponse response = dynamo.updateItem(u -> u.tableName(table).key(key(account))
                    .updateExpression(expression).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(lease(account, response.attributes()));
        } catch (ConditionalCheckFailedException taken) {
            return Optional.empty();
        }
    }

    private static Lease lease(String account, Map<String, AttributeValue> item) {
        return new Lease(account, TaskItems.str(item, OWNER), TaskItems.num(item, VERSION), TaskItems.num(item, NEXT_MS),
                TaskItems.num(item, EXPIRES_MS), (int) TaskItems.num(item, FAILURES), (int) TaskItems.num(item, MISSING),
                TaskItems.optNum(item, OFF_UNTIL_MS), TaskItems.str(item, OFF_REASON));
    }

    private static Map<String, AttributeValue> key(String account) {
        return Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + account));
    }
}
