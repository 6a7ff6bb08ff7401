package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.ApiKeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * API key hashes as items {@code apikey#<sha256 hex>} holding the tenant and its optional limits
 * (max_waiting, submits_per_minute, weight, webhook_url) and whether it is an operator's (operator, a boolean), as
 * README's "API keys" command writes them.
 */
public final class DynamoApiKeyStore implements ApiKeyStore {
    public static final String PREFIX = "apikey#";
    private static final String OPERATOR = "operator";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoApiKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<ApiKeyRecord> find(String keyHashHex) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                .key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + keyHashHex)))).item();
        if (item == null || !item.containsKey(TaskTable.TENANT)) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyRecord(item.get(TaskTable.TENANT).s(), integer(item, "max_waiting"),
                integer(item, "submits_per_minute"), item.containsKey("weight") ? Double.valueOf(item.get("weight").n()) : null,
                TaskItems.str(item, "webhook_url"), item.containsKey(OPERATOR) && Boolean.TRUE.equals(item.get(OPERATOR).bool())));
    }

    private static Integer integer(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Integer.valueOf(v.n());
    }

    @Override
    public void put(String keyHashHex, ApiKeyRecord record) {
        // Key items carry a tenant but no created_ms, so the by-tenant index (keyed on both) never holds them.
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TaskTable.PK, AttributeValue.fromS(PREFIX + keyHashHex));
        item.put(TaskTable.TENANT, AttributeValue.fromS(record.tenant()));
        if (record.maxWaiting() != null) {
            item.put("max_waiting", AttributeValue.fromN(record.maxWaiting().toString()));
        }
        if (record.submitsPerMinute() != null) {
            item.put("submits_per_minute", AttributeValue.fromN(record.submitsPerMinute().toString()));
        }
        if (record.weight() != null) {
            item.put("weight", AttributeValue.fromN(record.weight().toString()));
        }
        if (record.webhookUrl() != null) {
            item.put("webhook_url", AttributeValue.fromS(record.webhookUrl()));
        }
        if (record.operator()) {
            item.put(OPERATOR, AttributeValue.fromBool(true));
        }
        dynamo.putItem(p -> p.tableName(table).item(item));
    }
}
