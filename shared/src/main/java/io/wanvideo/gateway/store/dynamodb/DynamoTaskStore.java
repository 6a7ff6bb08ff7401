package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** {@link TaskStore} on one DynamoDB table (see {@link TaskTable}). */
public final class DynamoTaskStore implements TaskStore {
    private static final String SLOT_PREFIX = "slots#";
    private static final String USED = "used";

    private final DynamoDbClient dynamo;
    private final String table;
    private final long retentionSeconds;

    /** @param retention how long finished tasks are kept before DynamoDB's TTL removes them */
    public DynamoTaskStore(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retentionSeconds = retention.toSeconds();
    }

    @Override
    public void create(VideoTask task) {
        dynamo.putItem(p -> p.tableName(table)
                .item(TaskItems.item(task, retentionSeconds))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", TaskTable.PK)));
    }

    @Override
    public Optional<VideoTask> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(TaskItems.key(id)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(TaskItems.task(item));
    }

    @Override
    public VideoTask transition(VideoTask current, VideoTask next, int slotCapacity) {
        if (!next.id().equals(current.id()) || next.version() != current.version() + 1) {
            throw new IllegalArgumentException("next must be the version after current");
        }
        Update taskUpdate = taskUpdate(current, next);
        boolean takes = next.state().holdsSlot() && !current.state().holdsSlot();
        boolean releases = current.state().holdsSlot() && !next.state().holdsSlot();
        if (!takes && !releases) {
            try {
                dynamo.updateItem(u -> u.tableName(table).key(taskUpdate.key())
                        .updateExpression(taskUpdate.updateExpression())
                        .conditionExpression(taskUpdate.conditionExpression())
                        .expressionAttributeNames(taskUpdate.expressionAttributeNames())
                        .expressionAttributeValues(taskUpdate.expressionAttributeValues()));
            } catch (ConditionalCheckFailedException e) {
                throw new StaleTaskException(current.id());
            }
            return next;
        }
        Update slotUpdate = takes ? takeSlot(current.model().slotPool(), slotCapacity) : releaseSlot(current.model().slotPool());
        try {
            dynamo.transactWriteItems(t -> t.transactItems(
                    TransactWriteItem.builder().update(slotUpdate).build(),
                    TransactWriteItem.builder().update(taskUpdate).build()));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                throw new StaleTaskException(current.id());
            }
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                throw new NoFreeSlotException(current.model().slotPool());
            }
            throw e;
        }
        return next;
    }

    private Update taskUpdate(VideoTask current, VideoTask next) {
        TaskItems.Update update = TaskItems.update(TaskItems.mutable(next, retentionSeconds));
        Map<String, String> names = new HashMap<>(update.names());
        names.put("#version", TaskItems.VERSION);
        Map<String, AttributeValue> values = new HashMap<>(update.values());
        values.put(":expected", TaskItems.n(current.version()));
        return Update.builder().tableName(table).key(TaskItems.key(current.id()))
                .updateExpression(update.expression())
                .conditionExpression("#version = :expected")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    private Update takeSlot(String pool, int capacity) {
        return Update.builder().tableName(table).key(Map.of(TaskTable.PK, TaskItems.s(SLOT_PREFIX + pool)))
                .updateExpression("SET #used = if_not_exists(#used, :zero) + :one")
                .conditionExpression("attribute_not_exists(#used) OR #used < :capacity")
                .expressionAttributeNames(Map.of("#used", USED))
                .expressionAttributeValues(Map.of(":zero", TaskItems.n(0), ":one", TaskItems.n(1),
                        ":capacity", TaskItems.n(capacity)))
                .build();
    }

    private Update releaseSlot(String pool) {
        return Update.builder().tableName(table).key(Map.of(TaskTable.PK, TaskItems.s(SLOT_PREFIX + pool)))
                .updateExpression("SET #used = #used - :one")
                .expressionAttributeNames(Map.of("#used", USED))
                .expressionAttributeValues(Map.of(":one", TaskItems.n(1)))
                .build();
    }

    @Override
    public boolean deleteIfUnchanged(VideoTask task) {
        try {
            dynamo.deleteItem(d -> d.tableName(table).key(TaskItems.key(task.id()))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", TaskItems.VERSION))
                    .expressionAttributeValues(Map.of(":expected", TaskItems.n(task.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<String> backlogHead(String slotPool, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TaskTable.BACKLOG_INDEX)
                .keyConditionExpression("#pool = :pool")
                .expressionAttributeNames(Map.of("#pool", TaskTable.BACKLOG_POOL))
                .expressionAttributeValues(Map.of(":pool", TaskItems.s(slotPool)))
                .scanIndexForward(true)
                .limit(limit)
                .build());
        return ids(response.items());
    }

    @Override
    public List<String> slotHolders(String slotPool) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TaskTable.SLOT_HOLDERS_INDEX)
                        .keyConditionExpression("#pool = :pool")
                        .expressionAttributeNames(Map.of("#pool", TaskTable.HOLDER_POOL))
                        .expressionAttributeValues(Map.of(":pool", TaskItems.s(slotPool)))
                        .build())
                .items().forEach(items::add);
        return ids(items);
    }

    @Override
    public int slotsInUse(String slotPool) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(TaskTable.PK, TaskItems.s(SLOT_PREFIX + slotPool)))).item();
        return item == null || !item.containsKey(USED) ? 0 : Integer.parseInt(item.get(USED).n());
    }

    private static List<String> ids(List<Map<String, AttributeValue>> items) {
        return items.stream().map(i -> i.get(TaskTable.PK).s().substring(TaskItems.KEY_PREFIX.length())).toList();
    }
}
