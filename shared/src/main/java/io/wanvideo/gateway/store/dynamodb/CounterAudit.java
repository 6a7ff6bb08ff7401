package io.wanvideo.gateway.store.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Recounts, from the task items themselves (a consistent scan, not the eventually consistent indexes), what
 * the counters must hold, and compares every counter: slots taken per account and pool, and each tenant's
 * waiting, running and load per pool. A leak, a double release or a lost count shows up as a difference.
 *
 * <p>It reads the raw items rather than going through {@link TaskItems}, so that it checks the store's
 * bookkeeping rather than repeating it. The tests' {@code StoreInvariants} and the crash benchmark (which opens
 * the data directory after the last stop) both use it; it is a full scan, for tests and audits only.
 */
public final class CounterAudit {
    private CounterAudit() {}

    /**
     * @param tasks       task items scanned
     * @param slotsTaken  the sum of the slot counters ({@code slots#<account>#<pool>} items' {@code used})
     * @param slotHolders tasks in a state that holds a slot
     * @param differences one line per counter that does not match its recount; empty when all hold
     */
    public record Report(int tasks, long slotsTaken, long slotHolders, List<String> differences) {
        public boolean countersMatch() {
            return differences.isEmpty();
        }
    }

    public static Report run(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> items = dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true))
                .items().stream().toList();
        Map<String, Long> slots = new TreeMap<>();
        Map<String, Long> waiting = new TreeMap<>();
        Map<String, Long> running = new TreeMap<>();
        Map<String, Long> load = new TreeMap<>();
        int tasks = 0;
        long holders = 0;
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get("pk").s();
            if (!pk.startsWith("task#")) {
                continue;
            }
            tasks++;
            String state = item.get("state").s();
            String spec = item.get("spec").s();
            String pool = spec.contains("\"wan2.7-r2v\"") ? "wan2.7-r2v" : "wan2.7-i2v";
            String tenantPool = pool + "#" + item.get("tenant").s();
            if (state.equals("QUEUED")) {
                waiting.merge(tenantPool, 1L, Long::sum);
            } else if (state.equals("DISPATCHING") || state.equals("SUBMITTING") || state.equals("RUNNING")) {
                holders++;
                slots.merge(item.get("account").s() + "#" + pool, 1L, Long::sum);
                running.merge(tenantPool, 1L, Long::sum);
                load.merge(tenantPool, Long.parseLong(item.get("fair_step").n()), Long::sum);
            }
        }
        List<String> differences = new ArrayList<>();
        long slotsTaken = 0;
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get("pk").s();
            if (pk.startsWith("slots#")) {
                String key = pk.substring("slots#".length());
                slotsTaken += number(item, "used");
                compare(differences, "slots taken on " + key, number(item, "used"), slots.remove(key));
            } else if (pk.startsWith("fair#")) {
                String key = pk.substring("fair#".length());
                Long waits = waiting.remove(key);
                compare(differences, "waiting of " + key, number(item, "waiting"), waits);
                compare(differences, "running of " + key, number(item, "running"), running.remove(key));
                compare(differences, "load of " + key, number(item, "load"), load.remove(key));
                if (waits != null && waits > 0 && !item.containsKey("fair_pool")) {
                    differences.add("a tenant with waiting tasks is not in the fair queue: " + key);
                }
            }
        }
        slots.forEach((key, n) -> differences.add("no slot counter for " + n + " holder(s) on " + key));
        waiting.forEach((key, n) -> differences.add("no fair-share item for " + n + " waiting task(s) of " + key));
        running.forEach((key, n) -> differences.add("no fair-share item for " + n + " running task(s) of " + key));
        return new Report(tasks, slotsTaken, holders, List.copyOf(differences));
    }

    private static void compare(List<String> differences, String what, long counted, Long recounted) {
        long expected = recounted == null ? 0 : recounted;
        if (counted != expected) {
            differences.add(what + ": counter " + counted + ", tasks " + expected);
        }
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}
