package io.wanvideo.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Recounts, from the task items themselves (a consistent scan, not the eventually consistent indexes), what
 * the counters must hold, and checks every counter: slots taken per account and pool, and each tenant's
 * waiting, running and load per pool. A leak, a double release or a lost count shows up as a difference.
 */
public final class StoreInvariants {
    private StoreInvariants() {}

    public static void check(DynamoDbClient dynamo, String table) {
        List<Map<String, AttributeValue>> items = dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true))
                .items().stream().toList();
        Map<String, Long> slots = new HashMap<>();
        Map<String, Long> waiting = new HashMap<>();
        Map<String, Long> running = new HashMap<>();
        Map<String, Long> load = new HashMap<>();
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get("pk").s();
            if (!pk.startsWith("task#")) {
                continue;
            }
            String state = item.get("state").s();
            String spec = item.get("spec").s();
            String pool = spec.contains("\"wan2.7-r2v\"") ? "wan2.7-r2v" : "wan2.7-i2v";
            String tenantPool = pool + "#" + item.get("tenant").s();
            if (state.equals("QUEUED")) {
                waiting.merge(tenantPool, 1L, Long::sum);
            } else if (state.equals("DISPATCHING") || state.equals("SUBMITTING") || state.equals("RUNNING")) {
                slots.merge(item.get("account").s() + "#" + pool, 1L, Long::sum);
                running.merge(tenantPool, 1L, Long::sum);
                load.merge(tenantPool, Long.parseLong(item.get("fair_step").n()), Long::sum);
            }
        }
        for (Map<String, AttributeValue> item : items) {
            String pk = item.get("pk").s();
            if (pk.startsWith("slots#")) {
                String key = pk.substring("slots#".length());
                assertThat(number(item, "used")).as("slots taken on " + key).isEqualTo(slots.getOrDefault(key, 0L));
                slots.remove(key);
            } else if (pk.startsWith("fair#")) {
                String key = pk.substring("fair#".length());
                assertThat(number(item, "waiting")).as("waiting of " + key).isEqualTo(waiting.getOrDefault(key, 0L));
                assertThat(number(item, "running")).as("running of " + key).isEqualTo(running.getOrDefault(key, 0L));
                assertThat(number(item, "load")).as("load of " + key).isEqualTo(load.getOrDefault(key, 0L));
                if (waiting.getOrDefault(key, 0L) > 0) {
                    assertThat(item).as("a tenant with waiting tasks is in the fair queue: " + key).containsKey("fair_pool");
                }
                waiting.remove(key);
                running.remove(key);
                load.remove(key);
            }
        }
        assertThat(slots).as("slot holders without a counter").isEmpty();
        assertThat(waiting).as("waiting tasks without a fair-share item").isEmpty();
        assertThat(running).as("running tasks without a fair-share item").isEmpty();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}
