package io.wanvideo.local.bench;

import io.wanvideo.gateway.store.dynamodb.TaskTable;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * Counts what the gateway's AWS calls would be billed for, per stack (told apart by the port of the endpoint the
 * call went to): DynamoDB read and write capacity units as DynamoDB Local reports them (every request is made to
 * return its consumed capacity, indexes included), SQS requests and messages, S3 requests. Registered for every
 * SDK client in the JVM through software/amazon/awssdk/global/handlers/execution.interceptors, which only
 * {@link CapacityBenchmark} puts on its class path. Calls from a thread marked {@link #uncounted} (the
 * benchmark's own reads) are left out.
 */
public final class CapacityMeter implements ExecutionInterceptor {
    /** What one stack's calls added up to. Keys: "DynamoDb:UpdateItem", "Sqs:SendMessage", ... */
    public static final class Tally {
        final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
        final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
        final Map<String, DoubleAdder> readUnits = new ConcurrentHashMap<>();
        final Map<String, DoubleAdder> writeUnits = new ConcurrentHashMap<>();
        final LongAdder messagesSent = new LongAdder();
        final LongAdder messagesReceived = new LongAdder();
        final LongAdder messagesDeleted = new LongAdder();
        /** Receives that returned at least one message: one poller invocation each, as Lambda's event source makes. */
        final LongAdder batches = new LongAdder();
        final LongAdder emptyReceives = new LongAdder();
        /** Item writes (a transaction's items one by one) by the kind of item: "task", "slots", "rate", ... */
        final Map<String, LongAdder> itemWrites = new ConcurrentHashMap<>();
        /** Item reads (GetItem, BatchGetItem keys) by kind. */
        final Map<String, LongAdder> itemReads = new ConcurrentHashMap<>();
        /** Wall time of each poller invocation: from a batch received to its messages deleted or released. */
        final java.util.Queue<Long> pollerMillis = new java.util.concurrent.ConcurrentLinkedQueue<>();

        long requests(String key) {
            LongAdder a = requests.get(key);
            return a == null ? 0 : a.sum();
        }

        double readUnits() {
            return readUnits.values().stream().mapToDouble(DoubleAdder::sum).sum();
        }

        double writeUnits() {
            return writeUnits.values().stream().mapToDouble(DoubleAdder::sum).sum();
        }

        long requestsOf(String service) {
            return requests.entrySet().stream().filter(e -> e.getKey().startsWith(service + ":"))
                    .mapToLong(e -> e.getValue().sum()).sum();
        }
    }

    private static final Map<Integer, Tally> BY_PORT = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> UNCOUNTED = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<Long> BATCH_RECEIVED_AT = new ThreadLocal<>();
    private static volatile boolean installed;

    public CapacityMeter() {
        installed = true;
    }

    /** True once the SDK has built this interceptor, i.e. the registration file is on the class path. */
    static boolean installed() {
        return installed;
    }

    /** Calls to these endpoint ports count into a fresh tally from now on. */
    static Tally count(List<Integer> ports) {
        Tally tally = new Tally();
        ports.forEach(p -> BY_PORT.put(p, tally));
        return tally;
    }

    /** The calling thread's AWS calls are not the gateway's. */
    static void uncounted() {
        UNCOUNTED.set(true);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        // INDEXES: the total then includes what each secondary index's copy of a write costs.
        ReturnConsumedCapacity all = ReturnConsumedCapacity.INDEXES;
        SdkRequest r = context.request();
        if (r instanceof GetItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof PutItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof UpdateItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof DeleteItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof QueryRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof ScanRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof BatchGetItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof BatchWriteItemRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof TransactGetItemsRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        } else if (r instanceof TransactWriteItemsRequest q) {
            return q.toBuilder().returnConsumedCapacity(all).build();
        }
        return r;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest r = context.request();
        String op = key(attributes);
        if (op.startsWith("Sqs:DeleteMessage") || op.startsWith("Sqs:ChangeMessageVisibility")) {
            Long received = BATCH_RECEIVED_AT.get();
            Tally tally = tally(attributes);
            if (received != null && tally != null) {
                tally.pollerMillis.add((System.nanoTime() - received) / 1_000_000);
            }
            BATCH_RECEIVED_AT.remove();
        }
        Tally tally = tally(attributes);
        if (tally == null) {
            return;
        }
        if (r instanceof TransactWriteItemsRequest t) {
            t.transactItems().forEach(item -> {
                // Transactional: each costs twice what the same write alone would.
                if (item.update() != null) {
                    add(tally.itemWrites, kind(item.update().key()) + "(tx)");
                } else if (item.put() != null) {
                    add(tally.itemWrites, kind(item.put().item()) + "(tx)");
                } else if (item.delete() != null) {
                    add(tally.itemWrites, kind(item.delete().key()) + "(tx)");
                } else if (item.conditionCheck() != null) {
                    add(tally.itemWrites, kind(item.conditionCheck().key()) + "(tx check)");
                }
            });
        } else if (r instanceof UpdateItemRequest u) {
            written(tally, u.key());
        } else if (r instanceof PutItemRequest u) {
            written(tally, u.item());
        } else if (r instanceof DeleteItemRequest u) {
            written(tally, u.key());
        } else if (r instanceof GetItemRequest g) {
            add(tally.itemReads, kind(g.key()));
        } else if (r instanceof BatchGetItemRequest b) {
            b.requestItems().values().forEach(keys -> keys.keys().forEach(k -> add(tally.itemReads, kind(k))));
        } else if (r instanceof BatchWriteItemRequest b) {
            b.requestItems().values().forEach(list -> list.forEach(w ->
                    written(tally, w.putRequest() != null ? w.putRequest().item() : w.deleteRequest().key())));
        }
    }

    private static void written(Tally tally, Map<String, AttributeValue> key) {
        add(tally.itemWrites, kind(key));
    }

    /** "slots" for slots#account#pool: the item's kind, which decides how hot it runs. */
    private static String kind(Map<String, AttributeValue> key) {
        AttributeValue pk = key.get(TaskTable.PK);
        if (pk == null || pk.s() == null) {
            return "?";
        }
        int hash = pk.s().indexOf('#');
        return hash < 0 ? pk.s() : pk.s().substring(0, hash);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String key = key(attributes);
        if (context.response() instanceof ReceiveMessageResponse received && !received.messages().isEmpty()) {
            BATCH_RECEIVED_AT.set(System.nanoTime());
        }
        Tally tally = tally(attributes);
        if (tally == null) {
            return;
        }
        add(tally.requests, key);
        SdkRequest request = context.request();
        SdkResponse response = context.response();
        if (key.startsWith("DynamoDb:")) {
            response.getValueForField("ConsumedCapacity", Object.class).ifPresent(c -> {
                List<?> all = c instanceof List<?> list ? list : List.of(c);
                for (Object o : all) {
                    ConsumedCapacity cc = (ConsumedCapacity) o;
                    double total = cc.capacityUnits() == null ? 0 : cc.capacityUnits();
                    boolean read = isRead(key);
                    double reads = cc.readCapacityUnits() != null ? cc.readCapacityUnits() : read ? total : 0;
                    double writes = cc.writeCapacityUnits() != null ? cc.writeCapacityUnits() : read ? 0 : total;
                    tally.readUnits.computeIfAbsent(key, k -> new DoubleAdder()).add(reads);
                    tally.writeUnits.computeIfAbsent(key, k -> new DoubleAdder()).add(writes);
                }
            });
        } else if (key.equals("Sqs:SendMessage")) {
            tally.messagesSent.increment();
        } else if (request instanceof SendMessageBatchRequest batch) {
            tally.messagesSent.add(batch.entries().size());
        } else if (key.equals("Sqs:DeleteMessage")) {
            tally.messagesDeleted.increment();
        } else if (request instanceof DeleteMessageBatchRequest batch) {
            tally.messagesDeleted.add(batch.entries().size());
        } else if (response instanceof ReceiveMessageResponse received) {
            tally.messagesReceived.add(received.messages().size());
            (received.messages().isEmpty() ? tally.emptyReceives : tally.batches).increment();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Tally tally = tally(attributes);
        if (tally != null) {
            add(tally.failed, key(attributes));
        }
    }

    private static Tally tally(ExecutionAttributes attributes) {
        URI endpoint = attributes.getAttribute(SdkExecutionAttribute.CLIENT_ENDPOINT);
        return UNCOUNTED.get() || endpoint == null ? null : BY_PORT.get(endpoint.getPort());
    }

    private static boolean isRead(String key) {
        return key.endsWith("GetItem") || key.endsWith(":Query") || key.endsWith(":Scan") || key.endsWith("TransactGetItems");
    }

    private static String key(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    private static void add(Map<String, LongAdder> counts, String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }
}
