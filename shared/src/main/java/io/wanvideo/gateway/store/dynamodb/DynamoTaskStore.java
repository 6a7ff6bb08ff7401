package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.EndCounts;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.RunningTask;
import io.wanvideo.gateway.store.IdempotencyClaim;
import io.wanvideo.gateway.store.IdempotencyKeyTakenException;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.QuotaExceededException;
import io.wanvideo.gateway.store.SlotCounts;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskPage;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link TaskStore} on one DynamoDB table (see {@link TaskTable}).
 *
 * <p>Besides task items it keeps, per slot pool, a counter of slots taken per account ({@code slots#<account>#<pool>})
 * and a fair-share item per tenant ({@code fair#<pool>#<tenant>}: tasks waiting, tasks running, load = the sum of
 * the running tasks' fair steps, and the submission time of its oldest waiting task). While a tenant has tasks
 * waiting, its fair item is in the sparse fair-queue index, keyed by fair_key = load + head_ms: the lowest key is
 * the tenant with the fewest (weighted) running tasks, ties going to the oldest waiting task. One fair step
 * (10^13 ms at weight 1) outweighs any difference of submission times, so the key orders by load first. Every
 * update keeps fair_key = load + head_ms, with DynamoDB's arithmetic where it can and a read-then-conditional
 * write where it cannot; none of it grows with the number of waiting tasks.
 */
public final class DynamoTaskStore implements TaskStore {
    private static final String SLOT_PREFIX = "slots#";
    private static final String FAIR_PREFIX = "fair#";
    private static final String QUOTA_PREFIX = "quota#";
    private static final String IDEMPOTENCY_PREFIX = "idem#";
    private static final String USED = "used";
    private static final String WAITING = "waiting";
    private static final String RUNNING = "running";
    private static final String LOAD = "load";
    private static final String HEAD_MS = "head_ms";
    private static final String COUNT = "count";
    /** Ends per minute: {@code ends#<minute>} for the deployment, {@code ends#<minute>#<tenant>} for one tenant. */
    private static final String ENDS_PREFIX = "ends#";
    private static final String COMPLETED = "completed";
    private static final String FAILED = "failed";
    private static final String DELAY_SUM = "delay_sum_ms";
    private static final String DELAY_BUCKET = "delay_b";
    /** The statistics read the last hour; DynamoDB's TTL removes minute counters some time after this. */
    private static final long ENDS_KEPT_SECONDS = 2 * 3600;

    private final DynamoDbClient dynamo;
    private final String table;
    private final long retentionSeconds;
    private final Clock clock;
    private final Transactions transactions;

    /** @param retention how long finished tasks are kept before DynamoDB's TTL removes them */
    public DynamoTaskStore(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retentionSeconds = retention.toSeconds();
        this.clock = clock;
        this.transactions = new Transactions(dynamo);
    }

    public DynamoTaskStore(DynamoDbClient dynamo, String table, Duration retention) {
        this(dynamo, table, retention, Clock.systemUTC());
    }

    // ------------------------------------------------------------------ tasks

    @Override
    public void create(VideoTask task, Admission admission) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(TaskItems.item(task, retentionSeconds))
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", TaskTable.PK)).build()).build());
        items.add(TransactWriteItem.builder().update(fairSubmit(task, admission.maxWaiting())).build());
        int rateIndex = -1;
        int idempotencyIndex = -1;
        long now = clock.millis();
        if (admission.submitsPerMinute() < Integer.MAX_VALUE) {
            rateIndex = items.size();
            long minute = now / 60_000;
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(key(QUOTA_PREFIX + task.tenant() + "#" + minute))
                    .updateExpression("SET #count = if_not_exists(#count, :zero) + :one, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#count) OR #count < :max")
                    .expressionAttributeNames(Map.of("#count", COUNT, "#ttl", TaskTable.TTL))
                    .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":max", n(admission.submitsPerMinute()),
                            ":ttl", n(minute * 60 + 180)))
                    .build()).build());
        }
        IdempotencyClaim claim = admission.idempotency();
        if (claim != null) {
            idempotencyIndex = items.size();
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                    .item(Map.of(TaskTable.PK, s(IDEMPOTENCY_PREFIX + claim.tenant() + "#" + claim.keyHash()),
                            "task_id", s(claim.taskId()), "request_hash", s(claim.requestHash()),
                            "expires_ms", n(claim.expiresMs()), TaskTable.TTL, n(claim.expiresMs() / 1000 + 3600)))
                    .conditionExpression("attribute_not_exists(#pk) OR #expires < :now")
                    .expressionAttributeNames(Map.of("#pk", TaskTable.PK, "#expires", "expires_ms"))
                    .expressionAttributeValues(Map.of(":now", n(now)))
                    .build()).build());
        }
        try {
            transactions.write(items);
        } catch (TransactionCanceledException e) {
            if (failed(e, 1)) {
                throw new QuotaExceededException(QuotaExceededException.Limit.WAITING, 30);
            }
            if (failed(e, rateIndex)) {
                throw new QuotaExceededException(QuotaExceededException.Limit.SUBMITS_PER_MINUTE,
                        (int) Math.max(1, (60_000 - now % 60_000 + 999) / 1000));
            }
            if (failed(e, idempotencyIndex)) {
                throw new IdempotencyKeyTakenException();
            }
            throw e;
        }
    }

    @Override
    public Optional<VideoTask> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(TaskItems.key(id)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(TaskItems.task(item));
    }

    @Override
    public VideoTask transition(VideoTask current, VideoTask next) {
        checkSuccessor(current, next);
        boolean takes = next.state().holdsSlot() && !current.state().holdsSlot();
        if (takes) {
            throw new IllegalArgumentException("a change that takes a slot goes through claim()");
        }
        boolean releases = current.state().holdsSlot() && !next.state().holdsSlot();
        boolean leavesBacklog = current.state() == TaskState.QUEUED && next.state() != TaskState.QUEUED;
        Update taskUpdate = taskUpdate(current, next);
        if (!releases && !leavesBacklog) {
            try {
                transactions.update(taskUpdate);
            } catch (ConditionalCheckFailedException e) {
                throw new StaleTaskException(current.id());
            }
            return next;
        }
        // The fair-share update may depend on a read of the tenant's counters; if they change underneath, read again.
        while (true) {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder().update(taskUpdate).build());
            boolean emptiedBacklog = false;
            if (releases) {
                items.add(TransactWriteItem.builder().update(slotRelease(current)).build());
                if (next.state() == TaskState.QUEUED) {
                    items.add(TransactWriteItem.builder().update(fairRequeue(current)).build());
                } else {
                    items.add(TransactWriteItem.builder().update(fairRelease(current)).build());
                }
            } else {
                FairLeave leave = fairLeave(current);
                emptiedBacklog = leave.emptied();
                items.add(TransactWriteItem.builder().update(leave.update()).build());
            }
            try {
                transactions.write(items);
            } catch (TransactionCanceledException e) {
                if (failed(e, 0)) {
                    throw new StaleTaskException(current.id());
                }
                if (failed(e, items.size() - 1)) {
                    continue;
                }
                throw e;
            }
            if (emptiedBacklog) {
                forgetIdleTenant(current.pool(), current.tenant());
            }
            return next;
        }
    }

    @Override
    public VideoTask claim(VideoTask queued, VideoTask next, int capacity, Long nextHeadMs) {
        checkSuccessor(queued, next);
        if (queued.state() != TaskState.QUEUED || next.state() != TaskState.DISPATCHING || next.account() == null) {
            throw new IllegalArgumentException("a claim moves a queued task onto an account's slot");
        }
        long head = nextHeadMs != null ? nextHeadMs : queued.createdMs();
        Update slot = Update.builder().tableName(table).key(key(slotKey(next.account(), next.pool())))
                .updateExpression("SET #used = if_not_exists(#used, :zero) + :one")
                .conditionExpression("attribute_not_exists(#used) OR #used < :capacity")
                .expressionAttributeNames(Map.of("#used", USED))
                .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":capacity", n(capacity)))
                .build();
        Update fair = Update.builder().tableName(table).key(key(fairKey(queued.pool(), queued.tenant())))
                .updateExpression("SET #waiting = #waiting - :one, #running = if_not_exists(#running, :zero) + :one, "
                        + "#load = if_not_exists(#load, :zero) + :step, #head = :head, "
                        + "#fk = if_not_exists(#load, :zero) + :headPlusStep")
                .expressionAttributeNames(Map.of("#waiting", WAITING, "#running", RUNNING, "#load", LOAD, "#head", HEAD_MS,
                        "#fk", TaskTable.FAIR_KEY))
                .expressionAttributeValues(Map.of(":one", n(1), ":zero", n(0), ":step", n(next.fairStep()), ":head", n(head),
                        ":headPlusStep", n(head + next.fairStep())))
                .build();
        try {
            transactions.write(List.of(TransactWriteItem.builder().update(taskUpdate(queued, next)).build(),
                    TransactWriteItem.builder().update(slot).build(),
                    TransactWriteItem.builder().update(fair).build()));
        } catch (TransactionCanceledException e) {
            if (failed(e, 0)) {
                throw new StaleTaskException(queued.id());
            }
            if (failed(e, 1)) {
                throw new NoFreeSlotException(next.account() + "/" + next.pool());
            }
            throw e;
        }
        if (nextHeadMs == null) {
            forgetIdleTenant(queued.pool(), queued.tenant());
        }
        return next;
    }

    @Override
    public boolean delete(VideoTask task) {
        while (true) {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(TaskItems.key(task.id()))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", TaskItems.VERSION))
                    .expressionAttributeValues(Map.of(":expected", n(task.version()))).build()).build());
            boolean emptied = false;
            if (task.state() == TaskState.QUEUED) {
                FairLeave leave = fairLeave(task);
                emptied = leave.emptied();
                items.add(TransactWriteItem.builder().update(leave.update()).build());
            } else if (task.state().holdsSlot()) {
                items.add(TransactWriteItem.builder().update(slotRelease(task)).build());
                items.add(TransactWriteItem.builder().update(fairRelease(task)).build());
            }
            try {
                transactions.write(items);
            } catch (TransactionCanceledException e) {
                if (failed(e, 0)) {
                    return false;
                }
                if (items.size() > 1 && failed(e, items.size() - 1)) {
                    continue;
                }
                throw e;
            }
            if (emptied) {
                forgetIdleTenant(task.pool(), task.tenant());
            }
            return true;
        }
    }

    private static void checkSuccessor(VideoTask current, VideoTask next) {
        if (!next.id().equals(current.id()) || next.version() != current.version() + 1) {
            throw new IllegalArgumentException("next must be the version after current");
        }
    }

    private Update taskUpdate(VideoTask current, VideoTask next) {
        TaskItems.Update update = TaskItems.update(TaskItems.mutable(next, retentionSeconds));
        Map<String, String> names = new HashMap<>(update.names());
        names.put("#version", TaskItems.VERSION);
        Map<String, AttributeValue> values = new HashMap<>(update.values());
        values.put(":expected", n(current.version()));
        return Update.builder().tableName(table).key(TaskItems.key(current.id()))
                .updateExpression(update.expression())
                .conditionExpression("#version = :expected")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    // ------------------------------------------------------------------ slots and fair shares

    private Update slotRelease(VideoTask task) {
        return Update.builder().tableName(table).key(key(slotKey(task.account(), task.pool())))
                .updateExpression("SET #used = #used - :one")
                .expressionAttributeNames(Map.of("#used", USED))
                .expressionAttributeValues(Map.of(":one", n(1)))
                .build();
    }

    /** A new task joins its tenant's backlog; the tenant joins the fair queue if it was not in it. */
    private Update fairSubmit(VideoTask task, int maxWaiting) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", n(0), ":one", n(1), ":pool", s(task.pool()),
                ":tenant", s(task.tenant()), ":created", n(task.createdMs())));
        Update.Builder update = Update.builder().tableName(table).key(key(fairKey(task.pool(), task.tenant())))
                .updateExpression("SET #waiting = if_not_exists(#waiting, :zero) + :one, #fp = :pool, #tenant = :tenant, "
                        + "#head = if_not_exists(#head, :created), #fk = if_not_exists(#head, :created) + if_not_exists(#load, :zero)")
                .expressionAttributeNames(Map.of("#waiting", WAITING, "#fp", TaskTable.FAIR_POOL, "#tenant", TaskTable.TENANT,
                        "#head", HEAD_MS, "#fk", TaskTable.FAIR_KEY, "#load", LOAD));
        if (maxWaiting < Integer.MAX_VALUE) {
            update.conditionExpression("attribute_not_exists(#waiting) OR #waiting < :max");
            values.put(":max", n(maxWaiting));
        }
        return update.expressionAttributeValues(values).build();
    }

    /** A slot holder finished: its load leaves its tenant's. */
    private Update fairRelease(VideoTask task) {
        return Update.builder().tableName(table).key(key(fairKey(task.pool(), task.tenant())))
                .updateExpression("SET #running = if_not_exists(#running, :zero) - :one, "
                        + "#load = if_not_exists(#load, :zero) - :step, #fk = if_not_exists(#fk, :zero) - :step")
                .expressionAttributeNames(Map.of("#running", RUNNING, "#load", LOAD, "#fk", TaskTable.FAIR_KEY))
                .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":step", n(task.fairStep())))
                .build();
    }

    /** A slot holder goes back to the backlog (its account was paused): running again becomes waiting. */
    private Update fairRequeue(VideoTask task) {
        FairShare share = fairShares(task.pool(), List.of(task.tenant())).get(0);
        Map<String, String> names = Map.of("#waiting", WAITING, "#running", RUNNING, "#load", LOAD, "#head", HEAD_MS,
                "#fk", TaskTable.FAIR_KEY, "#fp", TaskTable.FAIR_POOL);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", n(0), ":one", n(1), ":step", n(task.fairStep()),
                ":pool", s(task.pool())));
        String common = "SET #waiting = if_not_exists(#waiting, :zero) + :one, #running = #running - :one, "
                + "#load = #load - :step, #fp = :pool, ";
        Update.Builder update = Update.builder().tableName(table).key(key(fairKey(task.pool(), task.tenant())))
                .expressionAttributeNames(names);
        if (share.headMs() != null) {
            long head = Math.min(share.headMs(), task.createdMs());
            values.put(":seenHead", n(share.headMs()));
            values.put(":head", n(head));
            values.put(":delta", n(task.fairStep() + share.headMs() - head));
            update.updateExpression(common + "#head = :head, #fk = #fk - :delta").conditionExpression("#head = :seenHead");
        } else {
            values.put(":head", n(task.createdMs()));
            values.put(":headMinusStep", n(task.createdMs() - task.fairStep()));
            update.updateExpression(common + "#head = :head, #fk = if_not_exists(#load, :zero) + :headMinusStep")
                    .conditionExpression("attribute_not_exists(#head)");
        }
        return update.expressionAttributeValues(values).build();
    }

    private record FairLeave(Update update, boolean emptied) {}

    /** A waiting task leaves the backlog without running (deleted, or failed there); if it was the head, the next one is. */
    private FairLeave fairLeave(VideoTask task) {
        FairShare share = fairShares(task.pool(), List.of(task.tenant())).get(0);
        Update.Builder update = Update.builder().tableName(table).key(key(fairKey(task.pool(), task.tenant())));
        if (share.headMs() == null || share.headMs() != task.createdMs()) {
            return new FairLeave(update.updateExpression("SET #waiting = #waiting - :one")
                    .expressionAttributeNames(Map.of("#waiting", WAITING))
                    .expressionAttributeValues(Map.of(":one", n(1))).build(), share.waiting() <= 1);
        }
        Long next = backlogHead(task.pool(), task.tenant(), 3).stream().filter(e -> !e.taskId().equals(task.id()))
                .map(BacklogEntry::createdMs).findFirst().orElse(null);
        long head = next != null ? next : task.createdMs();
        return new FairLeave(update.updateExpression("SET #waiting = #waiting - :one, #head = :head, "
                        + "#fk = if_not_exists(#load, :zero) + :head")
                .conditionExpression("#head = :seenHead")
                .expressionAttributeNames(Map.of("#waiting", WAITING, "#head", HEAD_MS, "#fk", TaskTable.FAIR_KEY, "#load", LOAD))
                .expressionAttributeValues(Map.of(":one", n(1), ":zero", n(0), ":head", n(head),
                        ":seenHead", n(share.headMs())))
                .build(), next == null);
    }

    @Override
    public void forgetIdleTenant(String pool, String tenant) {
        try {
            transactions.update(Update.builder().tableName(table).key(key(fairKey(pool, tenant)))
                    .updateExpression("REMOVE #fp, #head")
                    .conditionExpression("#waiting <= :zero")
                    .expressionAttributeNames(Map.of("#fp", TaskTable.FAIR_POOL, "#head", HEAD_MS, "#waiting", WAITING))
                    .expressionAttributeValues(Map.of(":zero", n(0)))
                    .build());
        } catch (ConditionalCheckFailedException stillWaiting) {
            // A task arrived in between: the tenant stays queued.
        }
    }

    @Override
    public List<BacklogEntry> backlogHead(String pool, String tenant, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TaskTable.BACKLOG_INDEX)
                .keyConditionExpression("#queue = :queue")
                .expressionAttributeNames(Map.of("#queue", TaskTable.BACKLOG_POOL))
                .expressionAttributeValues(Map.of(":queue", s(TaskItems.backlogQueue(pool, tenant))))
                .scanIndexForward(true)
                .limit(limit)
                .build());
        return response.items().stream().map(i -> new BacklogEntry(taskId(i),
                Long.parseLong(i.get(TaskTable.BACKLOG_SEQ).s().substring(0, 15)))).toList();
    }

    @Override
    public List<String> fairQueue(String pool, int limit) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TaskTable.FAIR_INDEX)
                .keyConditionExpression("#fp = :pool")
                .expressionAttributeNames(Map.of("#fp", TaskTable.FAIR_POOL))
                .expressionAttributeValues(Map.of(":pool", s(pool)))
                .scanIndexForward(true)
                .limit(limit)
                .build());
        String prefix = FAIR_PREFIX + pool + "#";
        return response.items().stream().map(i -> i.get(TaskTable.PK).s().substring(prefix.length())).toList();
    }

    @Override
    public List<FairShare> fairShares(String pool, Collection<String> tenants) {
        Map<String, Map<String, AttributeValue>> items = transactions.getAll(table,
                tenants.stream().map(t -> fairKey(pool, t)).toList());
        List<FairShare> shares = new ArrayList<>();
        for (String tenant : tenants) {
            Map<String, AttributeValue> item = items.getOrDefault(fairKey(pool, tenant), Map.of());
            shares.add(new FairShare(tenant, TaskItems.num(item, WAITING), TaskItems.num(item, RUNNING),
                    TaskItems.num(item, LOAD), TaskItems.optNum(item, HEAD_MS), TaskItems.num(item, TaskTable.FAIR_KEY)));
        }
        return shares;
    }

    @Override
    public List<String> slotHolders(String account, String pool) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TaskTable.SLOT_HOLDERS_INDEX)
                        .keyConditionExpression("#pool = :pool")
                        .expressionAttributeNames(Map.of("#pool", TaskTable.HOLDER_POOL))
                        .expressionAttributeValues(Map.of(":pool", s(TaskItems.holderPool(account, pool))))
                        .build())
                .items().forEach(items::add);
        return items.stream().map(DynamoTaskStore::taskId).toList();
    }

    @Override
    public List<RunningTask> runningOn(String account) {
        List<RunningTask> running = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TaskTable.RUNNING_INDEX)
                        .keyConditionExpression("#account = :account")
                        .expressionAttributeNames(Map.of("#account", TaskTable.RUNNING_ACCOUNT))
                        .expressionAttributeValues(Map.of(":account", s(account)))
                        .scanIndexForward(true)
                        .build())
                .items().forEach(item -> running.add(TaskItems.runningTask(item)));
        return running;
    }

    @Override
    public SlotCounts slotsInUse(String pool, Collection<String> accounts) {
        // The slot counters and the accounts' pause flags (DynamoAccountStates' items, in this table) in one request:
        // a fill reads both before every choice, on the path from a freed slot to the next task's create.
        List<String> keys = new ArrayList<>();
        for (String account : accounts) {
            keys.add(slotKey(account, pool));
            keys.add(DynamoAccountStates.key(account));
        }
        Map<String, Map<String, AttributeValue>> items = transactions.getAll(table, keys);
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> paused = new HashSet<>();
        for (String account : accounts) {
            counts.put(account, (int) TaskItems.num(items.getOrDefault(slotKey(account, pool), Map.of()), USED));
            if (DynamoAccountStates.paused(items.get(DynamoAccountStates.key(account)))) {
                paused.add(account);
            }
        }
        return new SlotCounts(counts, paused);
    }

    // ------------------------------------------------------------------ idempotency, effects, listing

    @Override
    public Optional<IdempotencyClaim> idempotencyClaim(String tenant, String keyHash) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(key(IDEMPOTENCY_PREFIX + tenant + "#" + keyHash))).item();
        if (item == null || item.isEmpty() || TaskItems.num(item, "expires_ms") < clock.millis()) {
            return Optional.empty();
        }
        return Optional.of(new IdempotencyClaim(tenant, keyHash, TaskItems.str(item, "request_hash"),
                TaskItems.str(item, "task_id"), TaskItems.num(item, "expires_ms")));
    }

    @Override
    public List<String> effectsDueBefore(long timeMs, int limit) {
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(TaskTable.EFFECTS_INDEX)
                .keyConditionExpression("#shard = :shard AND #due < :time")
                .expressionAttributeNames(Map.of("#shard", TaskTable.EFFECTS_SHARD, "#due", TaskTable.EFFECTS_DUE_MS))
                .expressionAttributeValues(Map.of(":shard", s(TaskItems.EFFECTS_SHARD_VALUE), ":time", n(timeMs)))
                .limit(limit)
                .build());
        return response.items().stream().map(DynamoTaskStore::taskId).toList();
    }

    @Override
    public TaskPage listByTenant(String tenant, boolean newestFirst, int limit, VideoTask after) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TaskTable.BY_TENANT_INDEX)
                .keyConditionExpression("#tenant = :tenant")
                .expressionAttributeNames(Map.of("#tenant", TaskTable.TENANT))
                .expressionAttributeValues(Map.of(":tenant", s(tenant)))
                .scanIndexForward(!newestFirst)
                .limit(limit + 1);
        if (after != null) {
            query.exclusiveStartKey(Map.of(TaskTable.PK, TaskItems.key(after.id()).get(TaskTable.PK),
                    TaskTable.TENANT, s(after.tenant()), TaskTable.CREATED_MS, n(after.createdMs())));
        }
        List<Map<String, AttributeValue>> items = dynamo.query(query.build()).items();
        List<VideoTask> tasks = items.stream().limit(limit).map(TaskItems::task).toList();
        return new TaskPage(tasks, items.size() > limit);
    }

    // ------------------------------------------------------------------ statistics

    /**
     * Two plain updates of items of a few hundred bytes: 2 write units per ended task. Every counter of a minute
     * lives in its item as {@code <counter>#<pool>}, so a minute of every pool is one item to read.
     */
    @Override
    public void countEnd(VideoTask terminal, Long detectionDelayMs) {
        if (!terminal.state().terminal()) {
            throw new IllegalArgumentException("only an ended task is counted");
        }
        long minute = (terminal.completedMs() != null ? terminal.completedMs() : clock.millis()) / 60_000;
        String pool = terminal.pool();
        StringBuilder expression = new StringBuilder("ADD #outcome :one");
        Map<String, String> names = new HashMap<>(Map.of("#outcome",
                (terminal.state() == TaskState.COMPLETED ? COMPLETED : FAILED) + "#" + pool, "#ttl", TaskTable.TTL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", n(1), ":ttl", n(minute * 60 + ENDS_KEPT_SECONDS)));
        if (detectionDelayMs != null) {
            long delay = Math.max(0, detectionDelayMs);
            expression.append(", #delaySum :delay, #bucket :one");
            names.put("#delaySum", DELAY_SUM + "#" + pool);
            names.put("#bucket", DELAY_BUCKET + EndCounts.bucketOf(delay) + "#" + pool);
            values.put(":delay", n(delay));
        }
        expression.append(" SET #ttl = :ttl");
        for (String pk : List.of(ENDS_PREFIX + minute, ENDS_PREFIX + minute + "#" + terminal.tenant())) {
            dynamo.updateItem(u -> u.tableName(table).key(key(pk)).updateExpression(expression.toString())
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        }
    }

    /** Eventually consistent: half the read cost, and a count a moment late is no matter on a chart. */
    @Override
    public List<EndCounts> endCounts(String tenant, Collection<Long> minutes) {
        Map<String, Long> minuteOf = new LinkedHashMap<>();
        for (long minute : minutes) {
            minuteOf.put(ENDS_PREFIX + minute + (tenant == null ? "" : "#" + tenant), minute);
        }
        Map<String, Map<String, AttributeValue>> items = transactions.getAll(table, List.copyOf(minuteOf.keySet()), false);
        List<EndCounts> counts = new ArrayList<>();
        minuteOf.forEach((pk, minute) -> {
            Map<String, AttributeValue> item = items.get(pk);
            if (item == null) {
                return;
            }
            Map<String, EndCounts> byPool = new LinkedHashMap<>();
            item.forEach((name, value) -> {
                int hash = name.indexOf('#');
                if (hash < 0 || value.n() == null) {
                    return;
                }
                String counter = name.substring(0, hash);
                String pool = name.substring(hash + 1);
                long v = Long.parseLong(value.n());
                EndCounts none = EndCounts.none(minute, pool);
                List<Long> delays = new ArrayList<>(none.detectionDelays());
                EndCounts one;
                if (counter.equals(COMPLETED)) {
                    one = new EndCounts(minute, pool, v, 0, 0, delays);
                } else if (counter.equals(FAILED)) {
                    one = new EndCounts(minute, pool, 0, v, 0, delays);
                } else if (counter.equals(DELAY_SUM)) {
                    one = new EndCounts(minute, pool, 0, 0, v, delays);
                } else if (counter.startsWith(DELAY_BUCKET)) {
                    int bucket = Integer.parseInt(counter.substring(DELAY_BUCKET.length()));
                    if (bucket < 0 || bucket >= delays.size()) {
                        return;
                    }
                    delays.set(bucket, v);
                    one = new EndCounts(minute, pool, 0, 0, 0, delays);
                } else {
                    return;
                }
                byPool.merge(pool, one, EndCounts::plus);
            });
            counts.addAll(byPool.values());
        });
        return counts;
    }

    // ------------------------------------------------------------------ helpers

    private static String taskId(Map<String, AttributeValue> item) {
        return item.get(TaskTable.PK).s().substring(TaskItems.KEY_PREFIX.length());
    }

    private static String slotKey(String account, String pool) {
        return SLOT_PREFIX + account + "#" + pool;
    }

    private static String fairKey(String pool, String tenant) {
        return FAIR_PREFIX + pool + "#" + tenant;
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(TaskTable.PK, s(pk));
    }

    private static boolean failed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return index >= 0 && index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static AttributeValue s(String value) {
        return TaskItems.s(value);
    }

    private static AttributeValue n(long value) {
        return TaskItems.n(value);
    }
}
