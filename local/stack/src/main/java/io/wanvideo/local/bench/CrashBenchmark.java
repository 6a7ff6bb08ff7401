package io.wanvideo.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.config.DynamoDbClients;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.dynamodb.CounterAudit;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.local.FunctionEnvironment;
import io.wanvideo.local.LocalGateway;
import io.wanvideo.local.LocalOptions;
import io.wanvideo.local.embedded.LocalDynamoDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The gateway killed with SIGKILL while it works, as a Lambda instance or a machine dies: does every task still
 * reach a terminal state, is any created twice upstream, does any slot leak?
 *
 * <p>The DashScope simulator runs as its own process, so the upstream outlives each crash as DashScope does.
 * {@code ./run-local --data DIR} is the gateway; the tasks are submitted over HTTP by three tenants (the
 * development key and two more) and followed over HTTP. The same workload runs twice in one command: a baseline
 * without kills, then the chaos run, in which the gateway process is killed with SIGKILL at seeded random moments
 * and restarted at once on the same data directory, until every task is terminal or a generous deadline passes.
 * Each task's run time is drawn (seeded) from 5-20 s and given to the simulator in the prompt, so both runs carry
 * exactly the same work; the prompt also carries a marker, by which the simulator's task list says how many
 * upstream tasks each gateway task became.
 *
 * <p>After the last stop, the DynamoDB data directory is opened with an embedded DynamoDB Local and every counter
 * recounted from the task items ({@link CounterAudit}). Exits 1 if a task is lost, created twice upstream, or a
 * counter is wrong. Run from the repository root: {@code ./bench chaos [tasks=100] [kills=5] [seed=1]}.
 */
public final class CrashBenchmark {
    private static final double RUN_MIN = 5;
    private static final double RUN_MAX = 20;
    /** The one upstream account the gateway uses; the simulator accepts only it. */
    private static final String UPSTREAM_KEY = "sk-chaos-upstream";
    private static final List<Tenant> TENANTS = List.of(
            new Tenant(LocalOptions.DEVELOPMENT_TENANT, LocalOptions.DEVELOPMENT_KEY, 0.5),
            new Tenant("studio-b", "sk-chaos-studio-b", 0.3),
            new Tenant("studio-c", "sk-chaos-studio-c", 0.2));
    private static final Pattern MARKER = Pattern.compile("\\[chaos-(\\w+)-(\\d+)]");
    private static final Duration READY_WITHIN = Duration.ofMinutes(2);
    /** A task that answers 404 after its submission was answered 200: lost, and no reason to wait for it. */
    private static final String VANISHED = "vanished";

    record Tenant(String name, String key, double share) {}

    /** One request of the workload, the same in both runs. */
    record Job(int index, Tenant tenant, String model, double runSeconds) {
        String body(String run) {
            String prompt = "[chaos-" + run + "-" + index + "] a lantern drifts over a river sim:run=" + runSeconds;
            return model.equals("wan2.7-r2v")
                    ? "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                            + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/" + index + ".png\"}]}"
                    : "{\"model\":\"wan2.7-i2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                            + "\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/" + index + ".png\"}]}";
        }
    }

    /** A SIGKILL: when (seconds after the first submission) and how long until the restarted API answered. */
    record Kill(double atSeconds, double downSeconds) {}

    /** What one run left behind. */
    record Result(String run, int tasks, int terminal, Map<String, Integer> outcomes, Map<Integer, Integer> upstreamPerTask,
            int upstreamTotal, int upstreamUnattributed, int recordedIdMismatch, int uncertain, int uncertainCreatedUpstream,
            CounterAudit.Report audit, double makespanSeconds, List<Kill> kills, JsonNode simStats, Path dir) {
        int lost() {
            return tasks - terminal;
        }

        int createdTwice() {
            return upstreamPerTask.entrySet().stream().filter(e -> e.getKey() > 1).mapToInt(Map.Entry::getValue).sum();
        }

        int otherFailures() {
            return outcomes.entrySet().stream().filter(e -> isOtherFailure(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        }

        boolean sound() {
            return lost() == 0 && createdTwice() == 0 && upstreamUnattributed == 0 && recordedIdMismatch == 0
                    && audit.countersMatch();
        }
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(root.resolve("run-local"))) {
            throw new IllegalStateException("run from the repository root");
        }
        Random random = new Random(seed);
        List<Job> jobs = workload(count, random);
        Path work = Files.createTempDirectory("wan-chaos-");
        System.out.printf("Crash benchmark: %d tasks (r2v and i2v; tenants %s), simulated run %.0f-%.0f s, %d SIGKILLs of "
                + "./run-local --data, seed %d%n  logs and data under %s%n", count,
                String.join(", ", TENANTS.stream().map(t -> t.name() + " " + Math.round(t.share() * 100) + "%").toList()),
                RUN_MIN, RUN_MAX, kills, seed, work);

        Result baseline = run("baseline", jobs, root, work.resolve("baseline"), List.of(), Duration.ofMinutes(30));
        // Kills fall anywhere from just after the submissions to near the end of the baseline's makespan.
        double horizon = Math.max(10, 0.9 * baseline.makespanSeconds());
        List<Double> moments = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            moments.add(3 + random.nextDouble() * (horizon - 3));
        }
        moments.sort(Comparator.naturalOrder());
        Result chaos = run("chaos", jobs, root, work.resolve("chaos"), moments,
                Duration.ofMinutes(30).plusSeconds((long) (4 * baseline.makespanSeconds())));
        report(baseline, chaos);
        boolean sound = baseline.sound() && chaos.sound();
        if (sound) {
            for (Result r : List.of(baseline, chaos)) {
                deleteRecursively(r.dir().resolve("data"));
                deleteRecursively(r.dir().resolve("simulator"));
            }
            System.out.println("gateway logs kept in " + work + " (data removed: the run was sound)");
        } else {
            System.out.println("FAULT: see the figures above; logs and data kept in " + work);
        }
        System.exit(sound ? 0 : 1);
    }

    /** Tenants by their shares, both models, run times uniform over [5, 20] s to a tenth of a second. */
    static List<Job> workload(int count, Random random) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double pick = random.nextDouble();
            Tenant tenant = TENANTS.get(TENANTS.size() - 1);
            double sum = 0;
            for (Tenant t : TENANTS) {
                sum += t.share();
                if (pick < sum) {
                    tenant = t;
                    break;
                }
            }
            String model = random.nextBoolean() ? "wan2.7-r2v" : "wan2.7-i2v";
            double run = Math.round((RUN_MIN + random.nextDouble() * (RUN_MAX - RUN_MIN)) * 10) / 10.0;
            jobs.add(new Job(i, tenant, model, run));
        }
        return jobs;
    }

    private static Result run(String name, List<Job> jobs, Path root, Path dir, List<Double> killMoments, Duration deadline)
            throws Exception {
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        int simPort = ListenPorts.outsideEphemeralRange();
        URI sim = URI.create("http://127.0.0.1:" + simPort);
        Process simulator = startSimulator(dir.resolve("simulator"), simPort, dir.resolve("simulator.log"));
        Gateway gateway = new Gateway(root, dir.resolve("data"), ListenPorts.outsideEphemeralRange(), sim, dir.resolve("gateway.log"), http);
        try {
            waitFor(() -> answers(http, sim.resolve("/_sim/stats"), null), READY_WITHIN, "the simulator to start");
            gateway.start();
            System.out.printf("  %s: simulator pid %d on %s, gateway pid %d on %s%n", name, simulator.pid(), sim,
                    gateway.pid(), gateway.api);

            long t0 = System.currentTimeMillis();
            Map<Integer, String> ids = submitAll(http, gateway.api, jobs, name);
            System.out.printf("    %d submitted in %d ms%n", jobs.size(), System.currentTimeMillis() - t0);

            Set<Integer> open = ConcurrentHashMap.newKeySet();
            open.addAll(ids.keySet());
            Set<Integer> vanished = ConcurrentHashMap.newKeySet();
            List<Kill> kills = new ArrayList<>();
            ExecutorService chaos = Executors.newSingleThreadExecutor();
            Future<?> killing = chaos.submit(() -> {
                for (double moment : killMoments) {
                    long at = Math.max(t0 + (long) (moment * 1000), gateway.readyMs + 2000);
                    while (System.currentTimeMillis() < at && !open.isEmpty()) {
                        Thread.sleep(50);
                    }
                    if (open.isEmpty()) {
                        return null;
                    }
                    long killed = gateway.kill();
                    gateway.start();
                    Kill kill = new Kill((killed - t0) / 1000.0, (gateway.readyMs - killed) / 1000.0);
                    synchronized (kills) {
                        kills.add(kill);
                    }
                    System.out.printf("    SIGKILL %d at %.1f s (%d tasks not finished); API back after %.1f s%n", kills.size(),
                            kill.atSeconds(), open.size(), kill.downSeconds());
                }
                return null;
            });
            chaos.shutdown();

            long end = t0 + deadline.toMillis();
            long lastReport = System.currentTimeMillis();
            while (!open.isEmpty() && System.currentTimeMillis() < end) {
                for (int index : List.copyOf(open)) {
                    String status = status(http, gateway.api, jobs.get(index).tenant(), ids.get(index));
                    if ("completed".equals(status) || "failed".equals(status)) {
                        open.remove(index);
                    } else if (VANISHED.equals(status)) {
                        System.out.printf("    task %d (%s) answers 404 after its submission was answered 200%n", index,
                                ids.get(index));
                        vanished.add(index);
                        open.remove(index);
                    }
                }
                if (killing.isDone()) {
                    killing.get();
                }
                if (System.currentTimeMillis() - lastReport > 60_000) {
                    lastReport = System.currentTimeMillis();
                    System.out.printf("    %4d s: %d of %d finished%n", (lastReport - t0) / 1000, jobs.size() - open.size(),
                            jobs.size());
                }
                Thread.sleep(1000);
            }
            killing.cancel(true);
            chaos.awaitTermination(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
            System.out.printf("    %d of %d terminal after %.1f s%n", jobs.size() - open.size() - vanished.size(), jobs.size(),
                    (System.currentTimeMillis() - t0) / 1000.0);

            JsonNode upstreamTasks = Json.tree(get(http, sim.resolve("/_sim/tasks"), null).body());
            JsonNode simStats = Json.tree(get(http, sim.resolve("/_sim/stats"), null).body());
            gateway.stop();
            return tally(name, jobs, ids, open.size() + vanished.size(), upstreamTasks, simStats, dir, t0, kills);
        } finally {
            gateway.kill();
            simulator.destroy();
            if (!simulator.waitFor(10, TimeUnit.SECONDS)) {
                simulator.destroyForcibly().waitFor();
            }
        }
    }

    /** Reads the stopped gateway's table and the simulator's task list into the run's figures. */
    private static Result tally(String name, List<Job> jobs, Map<Integer, String> ids, int notTerminal, JsonNode upstreamTasks,
            JsonNode simStats, Path dir, long t0, List<Kill> kills) {
        Map<Integer, List<String>> upstreamOf = new HashMap<>();
        int unattributed = 0;
        for (JsonNode t : upstreamTasks) {
            Matcher m = MARKER.matcher(t.path("prompt").asText(""));
            if (m.find() && m.group(1).equals(name)) {
                upstreamOf.computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>()).add(t.get("task_id").asText());
            } else {
                unattributed++;
            }
        }
        try (LocalDynamoDb dynamoServer = LocalDynamoDb.start(0, dir.resolve("data"));
                DynamoDbClient dynamo = DynamoDbClients.create(new Env(Map.of("AWS_REGION", "us-east-1",
                        "AWS_ENDPOINT_URL_DYNAMODB", dynamoServer.endpoint().toString())))) {
            DynamoTaskStore store = new DynamoTaskStore(dynamo, LocalGateway.TABLE, Duration.ofDays(1));
            Map<String, Integer> outcomes = new TreeMap<>();
            Map<Integer, Integer> perTask = new TreeMap<>();
            int mismatch = 0;
            int uncertain = 0;
            int uncertainCreated = 0;
            long lastEnd = t0;
            for (Job job : jobs) {
                List<String> upstream = upstreamOf.getOrDefault(job.index(), List.of());
                perTask.merge(upstream.size(), 1, Integer::sum);
                VideoTask task = store.find(ids.get(job.index())).orElse(null);
                if (task == null) {
                    outcomes.merge("not in the table (" + VANISHED + ")", 1, Integer::sum);
                    continue;
                }
                if (task.upstreamId() != null && !upstream.contains(task.upstreamId())) {
                    mismatch++;
                }
                if (task.state().terminal()) {
                    lastEnd = Math.max(lastEnd, task.completedMs());
                }
                String outcome = task.state() == TaskState.COMPLETED ? "completed"
                        : task.state() == TaskState.FAILED ? task.error().code() : "not terminal (" + task.state() + ")";
                if (!task.state().terminal()) {
                    System.out.printf("    %s (%s) is still %s%n", task.id(), job.tenant().name(), task.state());
                }
                outcomes.merge(outcome, 1, Integer::sum);
                if (outcome.equals(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN)) {
                    uncertain++;
                    uncertainCreated += upstream.isEmpty() ? 0 : 1;
                    System.out.printf("    %s (%s) failed as uncertain; created upstream %d time(s): %s%n", task.id(), job.tenant().name(),
                            upstream.size(), task.error().message());
                }
                if (upstream.size() > 1) {
                    System.out.printf("    %s created upstream %d times: %s%n", task.id(), upstream.size(), upstream);
                }
            }
            CounterAudit.Report audit = CounterAudit.run(dynamo, LocalGateway.TABLE);
            audit.differences().forEach(d -> System.out.println("    counter differs: " + d));
            return new Result(name, jobs.size(), jobs.size() - notTerminal, outcomes, perTask, upstreamTasks.size(), unattributed,
                    mismatch, uncertain, uncertainCreated, audit, (lastEnd - t0) / 1000.0, List.copyOf(kills), simStats, dir);
        }
    }

    private static void report(Result base, Result chaos) {
        System.out.println();
        System.out.printf("%-40s %10s %10s%n", "", "baseline", "chaos");
        row("SIGKILLs", base.kills().size(), chaos.kills().size(), "");
        row("tasks lost (not terminal, or gone)", base.lost(), chaos.lost(), "must be 0");
        System.out.printf("%-40s %10.2f %10.2f   (must be <= 1)%n", "upstream creates per task",
                (double) base.upstreamTotal() / base.tasks(), (double) chaos.upstreamTotal() / chaos.tasks());
        row("  tasks created twice upstream", base.createdTwice(), chaos.createdTwice(), "must be 0");
        row("  tasks never created upstream", base.upstreamPerTask().getOrDefault(0, 0),
                chaos.upstreamPerTask().getOrDefault(0, 0), "");
        row("  upstream tasks of no gateway task", base.upstreamUnattributed(), chaos.upstreamUnattributed(), "must be 0");
        row("  recorded upstream id not the task's", base.recordedIdMismatch(), chaos.recordedIdMismatch(), "must be 0");
        row("completed", base.outcomes().getOrDefault("completed", 0), chaos.outcomes().getOrDefault("completed", 0), "");
        row("failed upstream_submit_uncertain", base.uncertain(), chaos.uncertain(), "fewer is better");
        row("  of which created upstream anyway", base.uncertainCreatedUpstream(), chaos.uncertainCreatedUpstream(),
                "billed, result not delivered");
        row("other failures", base.otherFailures(), chaos.otherFailures(), "");
        for (String code : otherCodes(base, chaos)) {
            row("  " + code, base.outcomes().getOrDefault(code, 0), chaos.outcomes().getOrDefault(code, 0), "");
        }
        row("slots held at the end (counters)", (int) base.audit().slotsTaken(), (int) chaos.audit().slotsTaken(), "must be 0");
        row("counters that differ from the tasks", base.audit().differences().size(), chaos.audit().differences().size(),
                "must be 0");
        row("upstream create calls", base.simStats().path("create_calls").asInt(), chaos.simStats().path("create_calls").asInt(), "");
        row("upstream 429s", base.simStats().path("throttled").asInt(), chaos.simStats().path("throttled").asInt(), "");
        row("most running at once upstream", base.simStats().path("max_concurrent").asInt(),
                chaos.simStats().path("max_concurrent").asInt(), "<= 10: 5 per model");
        System.out.printf("%-40s %8.1f s %8.1f s   chaos / baseline = %.2f%n", "makespan (first submission to last end)",
                base.makespanSeconds(), chaos.makespanSeconds(), chaos.makespanSeconds() / base.makespanSeconds());
        if (!chaos.kills().isEmpty()) {
            System.out.printf("kills at %s s; the API answered again after a mean %.1f s%n",
                    String.join(", ", chaos.kills().stream().map(k -> String.format(Locale.ROOT, "%.1f", k.atSeconds())).toList()),
                    chaos.kills().stream().mapToDouble(Kill::downSeconds).average().orElse(0));
        }
    }

    private static List<String> otherCodes(Result a, Result b) {
        return Stream.concat(a.outcomes().keySet().stream(), b.outcomes().keySet().stream()).distinct()
                .filter(CrashBenchmark::isOtherFailure).sorted().toList();
    }

    /** An error code other than the uncertain create's (outcomes also name "completed" and lost tasks, "not ..."). */
    private static boolean isOtherFailure(String outcome) {
        return !outcome.equals("completed") && !outcome.equals(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN) && !outcome.startsWith("not ");
    }

    private static void row(String what, int baseline, int chaos, String note) {
        System.out.printf("%-40s %10d %10d%s%n", what, baseline, chaos, note.isEmpty() ? "" : "   (" + note + ")");
    }

    /** ./run-local --data DIR, talking to the simulator process; killed and restarted by the benchmark. */
    private static final class Gateway {
        private final Path root;
        private final Path data;
        private final Path log;
        private final int port;
        private final URI simulator;
        private final HttpClient http;
        final URI api;
        private volatile Process process;
        volatile long readyMs;

        Gateway(Path root, Path data, int port, URI simulator, Path log, HttpClient http) {
            this.root = root;
            this.data = data;
            this.port = port;
            this.simulator = simulator;
            this.log = log;
            this.http = http;
            this.api = URI.create("http://127.0.0.1:" + port);
        }

        long pid() {
            return process.pid();
        }

        /** Starts ./run-local and returns once its API answers. */
        void start() throws Exception {
            ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString(), "--data", data.toString())
                    .directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            // Nothing of the caller's environment may point the stack elsewhere.
            env.keySet().removeIf(k -> !Set.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR").contains(k));
            env.put("PORT", Integer.toString(port));
            env.put("RUN_LOCAL_BUILD", "never");
            env.put("DASHSCOPE_API_KEY", UPSTREAM_KEY);
            env.put("DASHSCOPE_BASE_URL", simulator.toString());
            // What ./run-local tells the poller about its own simulator; with an external one that is ours to say.
            env.put("EXPECTED_GENERATION_SECONDS", Double.toString((RUN_MIN + RUN_MAX) / 2));
            env.put("GENERATION_TIME_SIGMA", Double.toString(FunctionEnvironment.logSpread(RUN_MIN, RUN_MAX)));
            env.put("LOCAL_API_KEYS", String.join(",", TENANTS.stream().map(t -> t.name() + ":" + t.key()).toList()));
            process = builder.start();
            Process started = process;
            waitFor(() -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("./run-local exited with " + started.exitValue() + "; see " + log);
                }
                return answers(http, api.resolve("/v1/videos/video_00000000000000000000000000"), TENANTS.get(0));
            }, READY_WITHIN, "./run-local to answer");
            readyMs = System.currentTimeMillis();
        }

        /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, nothing flushed. Returns when it happened. */
        long kill() throws Exception {
            Process p = process;
            if (p == null || !p.isAlive()) {
                return System.currentTimeMillis();
            }
            long at = System.currentTimeMillis();
            p.destroyForcibly();
            p.waitFor();
            Files.writeString(log, String.format("===== SIGKILL (exit %d) =====%n", p.exitValue()), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            return at;
        }

        /** SIGTERM, as Ctrl-C: the stack closes its servers, so the data directory can be opened again. */
        void stop() throws Exception {
            Process p = process;
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static Process startSimulator(Path data, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.wanvideo.dashscope.simulator.DashScopeSimulator", "--port", Integer.toString(port), "--data", data.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SIM_"));
        builder.environment().put("SIM_RUN_SECONDS", RUN_MIN + "-" + RUN_MAX);
        builder.environment().put("SIM_API_KEY", UPSTREAM_KEY);
        return builder.start();
    }

    private static Map<Integer, String> submitAll(HttpClient http, URI api, List<Job> jobs, String run) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            Map<Integer, Future<String>> pending = new TreeMap<>();
            for (Job job : jobs) {
                pending.put(job.index(), clients.submit(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/v1/videos"))
                            .header("Authorization", "Bearer " + job.tenant().key()).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(job.body(run))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
                    }
                    return Json.tree(r.body()).get("id").asText();
                }));
            }
            Map<Integer, String> ids = new TreeMap<>();
            for (Map.Entry<Integer, Future<String>> e : pending.entrySet()) {
                ids.put(e.getKey(), e.getValue().get());
            }
            return ids;
        } finally {
            clients.shutdown();
        }
    }

    /** The task's public status, {@value #VANISHED} if the gateway no longer knows it, null while it does not answer. */
    private static String status(HttpClient http, URI api, Tenant tenant, String id) {
        try {
            HttpResponse<String> r = get(http, api.resolve("/v1/videos/" + id), tenant);
            if (r.statusCode() == 404) {
                return VANISHED;
            }
            return r.statusCode() == 200 ? Json.tree(r.body()).path("status").asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI uri, Tenant tenant) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (tenant != null) {
            request.header("Authorization", "Bearer " + tenant.key());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static boolean answers(HttpClient http, URI uri, Tenant tenant) {
        try {
            get(http, uri, tenant);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitFor(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("waited " + within.toSeconds() + " s for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
