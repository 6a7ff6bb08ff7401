package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.schedule.Jitter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Writes that contend on shared items (a pool's slot counter, a tenant's fair-share item) are retried in place
 * when DynamoDB cancels them for a conflict with another transaction: contention is not a failure of the
 * task, and leaving it to the queue would delay the task by a visibility timeout and, repeated, dead-letter it.
 * Only conflicts and throttling are retried here; a failed condition is an answer, and goes back to the caller.
 */
final class Transactions {
    private static final Logger LOG = LogManager.getLogger(Transactions.class);
    private static final int MAX_ATTEMPTS = 10;
    private static final long BASE_BACKOFF_MS = 15;
    private static final long MAX_BACKOFF_MS = 1000;

    private final DynamoDbClient dynamo;

    Transactions(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** @throws TransactionCanceledException for a failed condition, or contention that outlasted every retry */
    void write(List<TransactWriteItem> items) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(t -> t.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                if (!contended(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("transaction conflict (attempt {}); retrying", attempt);
                backoff(attempt);
            }
        }
    }

    /** A single conditional update; ConditionalCheckFailedException passes through. */
    void update(Update update) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.updateItem(u -> u.tableName(update.tableName()).key(update.key())
                        .updateExpression(update.updateExpression())
                        .conditionExpression(update.conditionExpression())
                        .expressionAttributeNames(update.expressionAttributeNames())
                        .expressionAttributeValues(update.expressionAttributeValues().isEmpty() ? null
                                : update.expressionAttributeValues()));
                return;
            } catch (TransactionConflictException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                backoff(attempt);
            }
        }
    }

    /** Strongly consistent reads of many items by primary key; missing items are absent from the answer. */
    Map<String, Map<String, AttributeValue>> getAll(String table, List<String> pks) {
        return getAll(table, pks, true);
    }

    /** Reads of many items by primary key, strongly consistent or at half the cost; missing items are absent. */
    Map<String, Map<String, AttributeValue>> getAll(String table, List<String> pks, boolean consistent) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < pks.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String pk : pks.subList(from, Math.min(pks.size(), from + 100))) {
                keys.add(Map.of(TaskTable.PK, AttributeValue.fromS(pk)));
            }
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(consistent).build());
            for (int attempt = 1; !request.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> pending = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(pending));
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> found.put(item.get(TaskTable.PK).s(), item));
                request = response.unprocessedKeys() == null ? Map.of() : response.unprocessedKeys();
                if (!request.isEmpty()) {
                    backoff(attempt);
                }
            }
        }
        return found;
    }

    private static boolean contended(TransactionCanceledException e) {
        boolean conflict = false;
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if ("ConditionalCheckFailed".equals(code)) {
                return false;
            }
            if ("TransactionConflict".equals(code) || "ThrottlingError".equals(code)
                    || "ProvisionedThroughputExceeded".equals(code)) {
                conflict = true;
            }
        }
        return conflict;
    }

    /** Full jitter over an exponentially growing window. */
    private static void backoff(int attempt) {
        long window = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(attempt, 10));
        try {
            Thread.sleep(1 + (long) (Jitter.next() * window));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a contended write", e);
        }
    }
}
