package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.store.ApiKeyStore;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** API key hashes as items {@code apikey#<sha256 hex>} holding the tenant. */
public final class DynamoApiKeyStore implements ApiKeyStore {
    public static final String PREFIX = "apikey#";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoApiKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<String> tenantFor(String keyHashHex) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                .key(Map.of(TaskTable.PK, AttributeValue.fromS(PREFIX + keyHashHex)))).item();
        if (item == null || !item.containsKey(TaskTable.TENANT)) {
            return Optional.empty();
        }
        return Optional.of(item.get(TaskTable.TENANT).s());
    }

    @Override
    public void put(String keyHashHex, String tenant) {
        // Key items carry a tenant but no created_ms, so the by-tenant index (keyed on both) never holds them.
        dynamo.putItem(p -> p.tableName(table).item(Map.of(
                TaskTable.PK, AttributeValue.fromS(PREFIX + keyHashHex),
                TaskTable.TENANT, AttributeValue.fromS(tenant))));
    }
}
