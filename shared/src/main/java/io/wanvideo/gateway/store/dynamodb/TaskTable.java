package io.wanvideo.gateway.store.dynamodb;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one table's layout: tasks, slot counters, fair-share counters, account states, rate gates, quota
 * counters, idempotency claims and API keys, told apart by key prefix. template.yaml declares the same table;
 * a test holds the two together.
 */
public final class TaskTable {
    public static final String PK = "pk";
    public static final String TTL = "expires_at_ttl";

    /** Every task of a tenant by creation time: GET /v1/videos. Projects what the list shows, not the request. */
    public static final String BY_TENANT_INDEX = "by-tenant";
    public static final String TENANT = "tenant";
    public static final String CREATED_MS = "created_ms";

    /** Sparse: queued tasks waiting for a slot, oldest first per pool and tenant. */
    public static final String BACKLOG_INDEX = "backlog";
    public static final String BACKLOG_POOL = "backlog_pool";
    public static final String BACKLOG_SEQ = "backlog_seq";

    /** Sparse: tasks holding a slot, per account and pool, by when their next message is due. The sweep reads it. */
    public static final String SLOT_HOLDERS_INDEX = "slot-holders";
    public static final String HOLDER_POOL = "holder_pool";
    public static final String DUE_MS = "due_ms";

    /** Sparse: tenants with waiting tasks per pool, the one owed the next slot first. */
    public static final String FAIR_INDEX = "fair-queue";
    public static final String FAIR_POOL = "fair_pool";
    public static final String FAIR_KEY = "fair_key";

    /** Sparse: finished tasks with after-completion work pending (result copy, webhook), by when it is due. */
    public static final String EFFECTS_INDEX = "effects-due";
    public static final String EFFECTS_SHARD = "effects_shard";
    public static final String EFFECTS_DUE_MS = "effects_due_ms";

    /** What the by-tenant index carries besides its keys: the task object without the request's media. */
    public static final List<String> LISTED_ATTRIBUTES = List.of(TaskItems.ID, TaskItems.STATE, TaskItems.SUMMARY,
            TaskItems.UPSTREAM_STATE, TaskItems.RUN_ORIGIN_MS, TaskItems.PROGRESS_FLOOR, TaskItems.COMPLETED_MS,
            TaskItems.VIDEO_URL, TaskItems.VIDEO_EXPIRES_MS, TaskItems.USAGE, TaskItems.ERROR_CODE,
            TaskItems.ERROR_MESSAGE, TaskItems.RESULT, TaskItems.WEBHOOK);

    /**
     * Sparse: tasks running upstream, per account, oldest submission first: what the completion watcher follows. A
     * new index rather than a projection added to slot-holders, since an existing index cannot change in a stack update.
     */
    public static final String RUNNING_INDEX = "running";
    public static final String RUNNING_ACCOUNT = "running_account";
    public static final String SUBMITTED_MS = "submitted_ms";
    /** What the running index carries besides its keys: a task's upstream id and what its expected run time depends on. */
    public static final List<String> RUNNING_ATTRIBUTES = List.of(TaskItems.ID, TaskItems.SUMMARY, TaskItems.UPSTREAM_ID,
            TaskItems.RUN_ORIGIN_MS);

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
                        attribute(DUE_MS, ScalarAttributeType.N),
                        attribute(FAIR_POOL, ScalarAttributeType.S),
                        attribute(FAIR_KEY, ScalarAttributeType.N),
                        attribute(EFFECTS_SHARD, ScalarAttributeType.S),
                        attribute(EFFECTS_DUE_MS, ScalarAttributeType.N),
                        attribute(RUNNING_ACCOUNT, ScalarAttributeType.S),
                        attribute(SUBMITTED_MS, ScalarAttributeType.N))
                .globalSecondaryIndexes(
                        index(BY_TENANT_INDEX, TENANT, CREATED_MS,
                                Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(LISTED_ATTRIBUTES).build()),
                        index(BACKLOG_INDEX, BACKLOG_POOL, BACKLOG_SEQ, keysOnly()),
                        index(SLOT_HOLDERS_INDEX, HOLDER_POOL, DUE_MS, keysOnly()),
                        index(FAIR_INDEX, FAIR_POOL, FAIR_KEY, keysOnly()),
                        index(EFFECTS_INDEX, EFFECTS_SHARD, EFFECTS_DUE_MS, keysOnly()),
                        index(RUNNING_INDEX, RUNNING_ACCOUNT, SUBMITTED_MS,
                                Projection.builder().projectionType(ProjectionType.INCLUDE).nonKeyAttributes(RUNNING_ATTRIBUTES).build()))
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

    private static Projection keysOnly() {
        return Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range, Projection projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
                .projection(projection)
                .build();
    }
}
