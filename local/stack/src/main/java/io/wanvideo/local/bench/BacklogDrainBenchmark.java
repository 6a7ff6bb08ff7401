package io.wanvideo.local.bench;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.local.LocalGateway;
import io.wanvideo.local.LocalOptions;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many tasks submitted at once to the local stack, against the simulator with 5 slots: how close the gateway
 * comes to the physical limit of keeping every slot busy, and how soon a finished task shows as completed.
 *
 * <p>Reports makespan (first submission to last task showing completed) over the ideal makespan (the sum of
 * the run times the simulator drew, divided by the slots) and over the same run replayed with no overhead
 * ({@link SlotReplay}: what the slots' packing alone allows), the most tasks the simulator saw running at once,
 * failures, the p50 and p95 delay between a task finishing upstream and its record showing completed, and the
 * upstream calls it took (queries and listings). With {@code watcher=off} the completion watcher is switched off
 * (COMPLETION_WATCHER=false): every task polled on the normal plan, the baseline. With {@code events} the simulator
 * pushes each task's completion event to the stack (COMPLETION_EVENTS=true: README, "Completion events"), the
 * listing behind them.
 * Run: {@code ./bench backlog-drain [tasks=200] [runSeconds=10-30] [pendingSeconds=0] [watcher=on|off|events] [--accounts N]}.
 *
 * <p>With {@code --accounts N}, the gateway is given N upstream accounts (DASHSCOPE_ACCOUNTS), each with its own key
 * at the one simulator, which enforces its limits per key: N x 5 slots, and the most running on any one key.
 */
public final class BacklogDrainBenchmark {
    public static void main(String[] args) throws Exception {
        int accounts = 1;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--accounts")) {
                accounts = Integer.parseInt(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        args = positional.toArray(String[]::new);
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        String[] run = (args.length > 1 ? args[1] : "10-30").split("-");
        double runMin = Double.parseDouble(run[0]);
        double runMax = run.length > 1 ? Double.parseDouble(run[1]) : runMin;
        double pending = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        boolean watcher = args.length <= 3 || !args[3].equals("watcher=off");
        boolean events = args.length > 3 && args[3].equals("events");
        int slotsPerAccount = 5;
        int slots = slotsPerAccount * accounts;
        SimulatorSettings sim = SimulatorSettings.defaults().withTiming(pending, runMin, runMax);
        Map<String, String> env = new HashMap<>(Map.of("SLOTS_PER_MODEL", Integer.toString(slotsPerAccount),
                // The per-minute submit limit would refuse a backlog sent at once; it is not what is measured here.
                "TENANT_SUBMITS_PER_MINUTE", Integer.toString(Math.max(120, count)),
                "COMPLETION_WATCHER", Boolean.toString(watcher), "COMPLETION_EVENTS", Boolean.toString(events)));
        if (accounts > 1) {
            List<String> keys = new ArrayList<>();
            List<String> described = new ArrayList<>();
            for (int i = 1; i <= accounts; i++) {
                keys.add("sk-bench-account-" + i);
                described.add("{\"name\":\"account-" + i + "\",\"api_key\":\"sk-bench-account-" + i + "\"}");
            }
            sim = sim.withApiKeys(keys);
            // No base_url: every account is at DASHSCOPE_BASE_URL, the simulator.
            env.put("DASHSCOPE_ACCOUNTS", "{\"accounts\":[" + String.join(",", described) + "]}");
        }
        System.out.printf("Backlog drain: %d r2v tasks at once, %d slots (%d account%s), simulated run %s-%s s, PENDING %s s, "
                + "completion watcher %s (load average %s)%n", count, slots, accounts, accounts == 1 ? "" : "s", runMin, runMax,
                pending, watcher ? (events ? "on, behind pushed completion events" : "on") : "off", loadAverage());
        try (LocalGateway gateway = LocalGateway.start(LocalOptions.forTests(sim, env))) {
            DynamoTaskStore store = new DynamoTaskStore(gateway.dynamo(), gateway.functionEnvironment().get("TABLE_NAME"), Duration.ofDays(1));
            HttpClient http = HttpClient.newHttpClient();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            long start = System.currentTimeMillis();
            List<Future<String>> submissions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"benchmark task " + i + "\",\"size\":\"720P\","
                        + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/" + i + ".png\"}]}";
                submissions.add(clients.submit(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.url().resolve("/v1/videos"))
                            .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY)
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
                    }
                    return Json.tree(r.body()).get("id").asText();
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : submissions) {
                ids.add(f.get());
            }
            clients.shutdown();
            long submitted = System.currentTimeMillis();
            System.out.printf("  all %d submitted in %d ms%n", count, submitted - start);

            TaskEnds ends = new TaskEnds(store, ids);
            long lastReport = System.currentTimeMillis();
            while (!ends.look()) {
                if (System.currentTimeMillis() - lastReport > 60_000) {
                    lastReport = System.currentTimeMillis();
                    int going = ends.lookAtAll().size();
                    System.out.printf("  %4d s: %d of %d finished%n", (lastReport - start) / 1000, count - going, count);
                }
                Thread.sleep(500);
            }
            Map<String, VideoTask> done = ends.ended();

            Map<String, Map<String, Object>> upstream = new HashMap<>();
            for (Map<String, Object> t : gateway.simulator().tasks()) {
                upstream.put((String) t.get("task_id"), t);
            }
            double runSum = 0;
            long lastCompleted = 0;
            int failures = 0;
            List<Long> delays = new ArrayList<>();
            List<SlotReplay.Task> replayed = new ArrayList<>();
            List<long[]> runs = new ArrayList<>(); // upstream start, upstream end, completed, claimed
            for (VideoTask task : done.values()) {
                if (task.state() != TaskState.COMPLETED) {
                    failures++;
                    continue;
                }
                Map<String, Object> up = upstream.get(task.upstreamId());
                long upStart = ((Number) up.get("start_ms")).longValue();
                long upEnd = ((Number) up.get("end_ms")).longValue();
                runSum += (upEnd - upStart) / 1000.0;
                replayed.add(new SlotReplay.Task(task.id(), task.tenant(), task.createdMs(), upEnd - upStart));
                delays.add(task.completedMs() - upEnd);
                runs.add(new long[] {upStart, upEnd, task.completedMs(), task.dispatchedMs() == null ? upStart : task.dispatchedMs()});
                lastCompleted = Math.max(lastCompleted, task.completedMs());
            }
            long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
            double makespan = (lastCompleted - start) / 1000.0;
            double ideal = runSum / slots;
            var stats = gateway.simulator().stats();
            System.out.printf("  makespan %.1f s, ideal %.1f s (sum of run times %.0f s / %d slots)%n", makespan, ideal, runSum, slots);
            // Issue 13 set 1.05 for the default run (200 tasks of 10-30 s on one account); issue 12 set 1.10 for
            // the others, the one-minute `30 2-6` among them.
            boolean defaultRun = count == 200 && runMin == 10 && runMax == 30 && accounts == 1;
            System.out.printf("makespan / ideal:          %.3f   (target <= %s)%n", makespan / ideal, defaultRun ? "1.05" : "1.10");
            // The sum over the slots is a bound no schedule reaches when the last tasks cannot be split evenly; the
            // same arrivals and run times handed to the slots first come first served, each slot passed on the instant
            // it frees, is what a gateway with no overhead at all would reach.
            Map<String, Long> starts = SlotReplay.starts(replayed, slots, SlotReplay.Order.FIFO);
            long replayEnd = replayed.stream().mapToLong(t -> starts.get(t.id()) + t.runMs()).max().orElse(start);
            double noOverhead = (replayEnd - start) / 1000.0;
            System.out.printf("makespan / no overhead:    %.3f   (%.1f s: the same submissions and run times replayed on %d "
                    + "slots, first come first served, with no overhead; %.3f of the ideal)%n", makespan / noOverhead,
                    noOverhead, slots, noOverhead / ideal);
            System.out.printf("most running at once:      %d      (max_concurrent %d, max_running %d; target <= %d)%n",
                    Math.max(stats.get("max_concurrent").asInt(), stats.get("max_running").asInt()),
                    stats.get("max_concurrent").asInt(), stats.get("max_running").asInt(), slots);
            if (accounts > 1) {
                int mostOnAKey = 0;
                StringBuilder perKey = new StringBuilder();
                for (var key : stats.get("per_key")) {
                    int most = Math.max(key.get("max_concurrent").asInt(), key.get("max_running").asInt());
                    mostOnAKey = Math.max(mostOnAKey, most);
                    perKey.append(String.format(" %d (%d tasks, %d throttled);", most, key.get("tasks_created").asInt(),
                            key.get("throttled").asInt()));
                }
                System.out.printf("most running on one key:   %d      (target <= %d; per key:%s)%n", mostOnAKey, slotsPerAccount,
                        perKey.substring(0, perKey.length() - 1));
            }
            System.out.printf("failures:                  %d      (target 0)%n", failures);
            System.out.printf("finish-to-completed delay: p50 %.2f s, p95 %.2f s, mean %.2f s, max %.2f s   (target p95 < 1.5 s)%n",
                    percentile(sorted, 0.50) / 1000.0, percentile(sorted, 0.95) / 1000.0,
                    Arrays.stream(sorted).average().orElse(0) / 1000.0, sorted[sorted.length - 1] / 1000.0);
            printHandoffs(runs, slots);
            int queries = stats.get("query_calls").asInt();
            int listings = stats.get("list_calls").asInt();
            System.out.printf("upstream calls:            %d creates, %d queries + %d listings = %.1f per task (before the "
                    + "watcher: 7.4), %d throttled%n", stats.get("create_calls").asInt(), queries, listings,
                    (queries + listings) / (double) count, stats.get("throttled").asInt());
            if (events) {
                System.out.printf("completion events:         %d pushed, %d failed%n", stats.get("events_sent").asInt(),
                        stats.get("events_failed").asInt());
            }
            System.out.printf("load average at the end:   %s%n", loadAverage());
        }
    }

    /**
     * Where the time goes between a slot freeing upstream and the next task starting on it: the k-th task to start
     * after the first wave took the slot of the k-th to end (every slot busy while the backlog lasts), and the gap
     * splits into the end's detection (upstream end to the record showing completed, which gives the slot back), the
     * scheduler's claim for the next task, and that task's create reaching the simulator.
     */
    private static void printHandoffs(List<long[]> runs, int slots) {
        List<long[]> byStart = runs.stream().sorted(java.util.Comparator.comparingLong(r -> r[0])).toList();
        List<long[]> byEnd = runs.stream().sorted(java.util.Comparator.comparingLong(r -> r[1])).toList();
        int n = byStart.size() - slots;
        if (n <= 0) {
            return;
        }
        long[][] parts = new long[4][n];
        for (int k = 0; k < n; k++) {
            long[] ended = byEnd.get(k);
            long[] next = byStart.get(k + slots);
            parts[0][k] = next[0] - ended[1];
            parts[1][k] = ended[2] - ended[1];
            parts[2][k] = next[3] - ended[2];
            parts[3][k] = next[0] - next[3];
        }
        double[] means = new double[4];
        for (int i = 0; i < 4; i++) {
            means[i] = Arrays.stream(parts[i]).average().orElse(0) / 1000.0;
            Arrays.sort(parts[i]);
        }
        System.out.printf("slot handoffs (%d):        mean %.2f s, p50 %.2f s, from a task's end upstream to the next start: "
                + "detection mean %.2f s (p50 %.2f), then the claim %.2f s (p50 %.2f), then the create %.2f s (p50 %.2f)%n", n,
                means[0], percentile(parts[0], 0.5) / 1000.0, means[1], percentile(parts[1], 0.5) / 1000.0, means[2],
                percentile(parts[2], 0.5) / 1000.0, means[3], percentile(parts[3], 0.5) / 1000.0);
    }

    /** The machine's load (1, 5 and 15 minutes): a drain measured in real time slows down on a busy machine. */
    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

}
