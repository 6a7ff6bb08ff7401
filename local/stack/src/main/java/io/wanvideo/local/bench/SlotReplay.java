package io.wanvideo.local.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Replays a run's arrivals and run times on a number of slots under a given order, with no overhead at all: the
 * baseline a benchmark compares the gateway with, computed from the same run. A slot is handed on the instant it
 * frees, and a task runs for exactly the time it ran upstream.
 */
public final class SlotReplay {
    /** @param arrivalMs when the task was submitted; @param runMs how long it ran upstream */
    public record Task(String id, String tenant, long arrivalMs, long runMs) {}

    public enum Order {
        /** One queue for everyone, oldest submission first. */
        FIFO,
        /**
         * The gateway's rule (README, "How a slot is chosen"), every tenant at weight 1: the tenant with the fewest
         * running tasks, among equals the one whose oldest waiting task is oldest; first come first served within it.
         */
        FAIR_SHARE
    }

    private static final Comparator<Task> SUBMISSION = Comparator.comparingLong(Task::arrivalMs).thenComparing(Task::id);

    private SlotReplay() {}

    /** @return each task's start time under the order, by task id */
    public static Map<String, Long> starts(List<Task> tasks, int slots, Order order) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be positive");
        }
        List<Task> arrivals = new ArrayList<>(tasks);
        arrivals.sort(SUBMISSION);
        // Per tenant, its waiting tasks in submission order; tenants kept in name order for a deterministic replay.
        Map<String, Deque<Task>> waiting = new TreeMap<>();
        Map<String, Integer> running = new HashMap<>();
        record End(long atMs, String tenant) {}
        PriorityQueue<End> ends = new PriorityQueue<>(Comparator.comparingLong(End::atMs));
        Map<String, Long> starts = new HashMap<>();
        int next = 0;
        int busy = 0;
        while (next < arrivals.size() || !ends.isEmpty()) {
            long now = Math.min(next < arrivals.size() ? arrivals.get(next).arrivalMs() : Long.MAX_VALUE,
                    ends.isEmpty() ? Long.MAX_VALUE : ends.peek().atMs());
            while (!ends.isEmpty() && ends.peek().atMs() <= now) {
                running.merge(ends.poll().tenant(), -1, Integer::sum);
                busy--;
            }
            while (next < arrivals.size() && arrivals.get(next).arrivalMs() <= now) {
                Task t = arrivals.get(next++);
                waiting.computeIfAbsent(t.tenant(), k -> new ArrayDeque<>()).addLast(t);
            }
            while (busy < slots) {
                String tenant = choose(waiting, running, order);
                if (tenant == null) {
                    break;
                }
                Task t = waiting.get(tenant).pollFirst();
                starts.put(t.id(), now);
                running.merge(tenant, 1, Integer::sum);
                busy++;
                ends.add(new End(now + t.runMs(), tenant));
            }
        }
        return starts;
    }

    /** The tenant whose waiting task starts next, or null when nobody waits. */
    private static String choose(Map<String, Deque<Task>> waiting, Map<String, Integer> running, Order order) {
        String best = null;
        for (Map.Entry<String, Deque<Task>> e : waiting.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            if (best == null) {
                best = e.getKey();
                continue;
            }
            Task head = e.getValue().peekFirst();
            Task bestHead = waiting.get(best).peekFirst();
            int byLoad = order == Order.FIFO ? 0
                    : Integer.compare(running.getOrDefault(e.getKey(), 0), running.getOrDefault(best, 0));
            if (byLoad < 0 || (byLoad == 0 && SUBMISSION.compare(head, bestHead) < 0)) {
                best = e.getKey();
            }
        }
        return best;
    }
}
