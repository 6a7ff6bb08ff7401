package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every API call the simulator received and how it was answered, so tests can count upstream calls: counters
 * per kind of call, throttled answers overall and per key, refused creates, and the last calls themselves.
 */
final class CallLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CALLS = 20_000;

    /**
     * One answered call.
     *
     * @param kind     create, query, cancel or list
     * @param status   the HTTP status answered; 0 when the connection was dropped without an answer
     * @param taskId   the upstream task concerned, if any
     * @param key      the caller's {@link ApiKey#label()}, if it presented a key
     * @param injected whether a fault, not the simulation, produced the answer
     */
    record Call(String kind, String method, String path, int status, long atMs, String taskId, String key, boolean injected) {}

    private final Deque<Call> calls = new ArrayDeque<>();
    private final Map<String, Long> arrived = new LinkedHashMap<>();
    private final Map<String, Long> throttledPerKey = new TreeMap<>();
    private long throttled;
    private long rejected;

    /** Counts a call as it arrives, before any fault decides its fate. */
    synchronized void arrived(String kind) {
        arrived.merge(kind, 1L, Long::sum);
    }

    synchronized void record(Call call) {
        if (call.status() == 429) {
            throttled++;
            if (call.key() != null) {
                throttledPerKey.merge(call.key(), 1L, Long::sum);
            }
        } else if (call.kind().equals("create") && !call.injected() && call.status() >= 400) {
            rejected++;
        }
        calls.addLast(call);
        if (calls.size() > MAX_CALLS) {
            calls.removeFirst();
        }
    }

    /** Oldest first: method, path, status, at_ms, and call, task_id, key when known. */
    synchronized List<Map<String, Object>> calls() {
        return calls.stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", c.method());
            m.put("path", c.path());
            m.put("status", c.status());
            m.put("at_ms", c.atMs());
            m.put("call", c.kind());
            if (c.taskId() != null) {
                m.put("task_id", c.taskId());
            }
            if (c.key() != null) {
                m.put("key", c.key());
            }
            return m;
        }).toList();
    }

    synchronized ObjectNode counters() {
        ObjectNode root = JSON.createObjectNode();
        for (String kind : List.of("create", "query", "cancel", "list")) {
            root.put(kind + "_calls", arrived.getOrDefault(kind, 0L));
        }
        root.put("throttled", throttled);
        root.put("rejected", rejected);
        return root;
    }

    synchronized Map<String, Long> throttledPerKey() {
        return Map.copyOf(throttledPerKey);
    }

    synchronized void clear() {
        calls.clear();
        arrived.clear();
        throttledPerKey.clear();
        throttled = rejected = 0;
    }
}
