package io.wanvideo.gateway.store.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one table's layout: task items, slot counters, rate gates and API keys, told apart by key prefix.
 * template.yaml declares the same table; a test holds the two together.
 */
public final class TaskTable {
    public static final String PK = "pk";
    public static final String TTL = "expires_at_ttl";

    /** Every task of a tenant, newest first: GET /v1/videos. */
    public static final String BY_TENANT_INDEX = "by-tenant";
    public static final String TENANT = "tenant";
    public static final String CREATED_MS = "created_ms";

    /** Sparse: queued tasks waiting for a slot, oldest first per pool. */
    public static final String BACKLOG_INDEX = "backlog";
    public static final String BACKLOG_POOL = "backlog_pool";
    public static final String BACKLOG_SEQ = "backlog_seq";

    /** Sparse: tasks holding a slot, by when their next message is due. The sweep reads it. */
    public static final String SLOT_HOLDERS_INDEX = "slot-holders";
    public static final String HOLDER_POOL = "holder_pool";
    public static final String DUE_MS = "due_ms";

    private TaskTable() {}

    public static CreateTableRequest createRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(key(PK, KeyType.HASH))
                .attributeDefinitions(
                        attribute(PK, ScalarAttributeType.S),
                        attribute(TENANT, ScalarAttributeType.S),
                        attribute(CREATED_MS, ScalarAttributeType.N),
                        attribute(BACKLOG_POOL, ScalarAttributeType.S),
                        attribute(BACKLOG_SEQ, ScalarAttributeType.S),
                        attribute(HOLDER_POOL, ScalarAttributeType.S),
                        attribute(DUE_MS, ScalarAttributeType.N))
                .globalSecondaryIndexes(
                        index(BY_TENANT_INDEX, TENANT, CREATED_MS, ProjectionType.ALL),
                        index(BACKLOG_INDEX, BACKLOG_POOL, BACKLOG_SEQ, ProjectionType.KEYS_ONLY),
                        index(SLOT_HOLDERS_INDEX, HOLDER_POOL, DUE_MS, ProjectionType.KEYS_ONLY))
                .build();
    }

    /** Creates the table unless it exists, and turns on TTL. For the local stack and tests. */
    public static void createIfMissing(DynamoDbClient dynamo, String tableName) {
        try {
            dynamo.createTable(createRequest(tableName));
        } catch (ResourceInUseException alreadyThere) {
            return;
        }
        dynamo.updateTimeToLive(u -> u.tableName(tableName)
                .timeToLiveSpecification(s -> s.attributeName(TTL).enabled(true)));
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range, ProjectionType projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
                .projection(p -> p.projectionType(projection))
                .build();
    }
}
