package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A faithful stand-in for DashScope's asynchronous video synthesis, on a loopback port.
 *
 * <p>Speaks the three calls of spec/upstream.md (create, query, cancel) with their headers, validation,
 * error shapes and codes; moves tasks PENDING → RUNNING → SUCCEEDED on a configurable clock; enforces the
 * per-model concurrency and create rate and the account query rate (429 Throttling.RateQuota); forgets
 * tasks after the retention period (UNKNOWN); serves a small real MP4 at each result URL; injects faults
 * on demand; and counts every call, so tests can assert how the gateway treated it.
 *
 * <p>Directives in a prompt steer one task: {@code sim:fail=CODE} (ends FAILED with CODE),
 * {@code sim:reject=STATUS:CODE} (the create is refused), {@code sim:run=SECONDS},
 * {@code sim:pending=SECONDS}.
 *
 * <p>Test and inspection endpoints: GET /_sim/stats, GET /_sim/calls, POST /_sim/faults, POST /_sim/reset,
 * GET /_sim/videos/{task_id}.mp4.
 */
public final class DashScopeSimulator implements AutoCloseable {
    static final String CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis";
    static final String TASKS_PATH = "/api/v1/tasks/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.ofHours(8));
    private static final int MAX_CALL_LOG = 20_000;

    private final SimulatorSettings settings;
    private final LongSupplier clock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] video;

    private final Map<String, SimTask> tasks = new LinkedHashMap<>();
    private final Map<String, Deque<Long>> rateWindows = new HashMap<>();
    private final List<Fault> faults = new ArrayList<>();
    private final Deque<Map<String, Object>> calls = new ArrayDeque<>();
    private long createCalls;
    private long queryCalls;
    private long cancelCalls;
    private long throttled;
    private long rejected;

    private DashScopeSimulator(SimulatorSettings settings, LongSupplier clock, int port) throws IOException {
        this.settings = settings;
        this.clock = clock;
        try (InputStream in = DashScopeSimulator.class.getResourceAsStream("sample.mp4")) {
            this.video = in.readAllBytes();
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "dashscope-sim");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static DashScopeSimulator start(SimulatorSettings settings) {
        return start(settings, 0, System::currentTimeMillis);
    }

    public static DashScopeSimulator start(SimulatorSettings settings, int port, LongSupplier clock) {
        try {
            return new DashScopeSimulator(settings, clock, port);
        } catch (IOException e) {
            throw new UncheckedIOException("simulator could not start on port " + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds a fault for the next calls of its target. */
    public synchronized void inject(Fault fault) {
        faults.add(fault);
    }

    /** Forgets faults, counters and tasks. */
    public synchronized void reset() {
        faults.clear();
        tasks.clear();
        rateWindows.clear();
        calls.clear();
        createCalls = queryCalls = cancelCalls = throttled = rejected = 0;
    }

    /** What the simulator has seen; the same JSON as GET /_sim/stats. */
    public synchronized ObjectNode stats() {
        long now = clock.getAsLong();
        ObjectNode root = JSON.createObjectNode();
        root.put("create_calls", createCalls);
        root.put("query_calls", queryCalls);
        root.put("cancel_calls", cancelCalls);
        root.put("throttled", throttled);
        root.put("rejected", rejected);
        root.put("tasks_created", tasks.size());
        root.put("running_now", tasks.values().stream().filter(t -> "RUNNING".equals(t.status(now, retentionMs()))).count());
        root.put("active_now", tasks.values().stream().filter(t -> t.activeAt(now) && t.canceledMs < 0).count());
        root.put("max_concurrent", maxOverlap(tasks.values().stream().toList(), false));
        root.put("max_running", maxOverlap(tasks.values().stream().toList(), true));
        ObjectNode perModel = root.putObject("per_model");
        for (String model : CreateRules.MODELS) {
            List<SimTask> ofModel = tasks.values().stream().filter(t -> t.model.equals(model)).toList();
            ObjectNode m = perModel.putObject(model);
            m.put("tasks_created", ofModel.size());
            m.put("max_concurrent", maxOverlap(ofModel, false));
            m.put("max_running", maxOverlap(ofModel, true));
        }
        return root;
    }

    /** Every call received, oldest first: method, path, status, at_ms, upstream task id if any. */
    public synchronized List<Map<String, Object>> calls() {
        return List.copyOf(calls);
    }

    /** The per-task timeline: id, model, created, started and ended times, final status. */
    public synchronized List<Map<String, Object>> tasks() {
        long now = clock.getAsLong();
        List<Map<String, Object>> out = new ArrayList<>();
        for (SimTask t : tasks.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", t.id);
            m.put("model", t.model);
            m.put("created_ms", t.createdMs);
            m.put("start_ms", t.startMs);
            m.put("end_ms", t.releasedMs());
            m.put("status", t.status(now, retentionMs()));
            out.add(m);
        }
        return out;
    }

    /** The largest number of tasks holding capacity (accepted and unfinished; or running) at one moment. */
    private static int maxOverlap(List<SimTask> list, boolean runningOnly) {
        List<long[]> events = new ArrayList<>();
        for (SimTask t : list) {
            long from = runningOnly ? t.startMs : t.createdMs;
            long to = t.releasedMs();
            if (to > from) {
                events.add(new long[] {from, 1});
                events.add(new long[] {to, -1});
            }
        }
        // Ends sort before starts at the same instant: a slot freed and taken at once is not an overlap.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    private long retentionMs() {
        return settings.retention().toMillis();
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.startsWith("/_sim/")) {
                admin(exchange, method, path);
                return;
            }
            String call;
            if (method.equals("POST") && path.equals(CREATE_PATH)) {
                call = "create";
            } else if (method.equals("POST") && path.startsWith(TASKS_PATH) && path.endsWith("/cancel")) {
                call = "cancel";
            } else if (method.equals("GET") && path.startsWith(TASKS_PATH)) {
                call = "query";
            } else {
                answer(exchange, 404, error("NotFound", "No such API: " + method + " " + path));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            countCall(call);
            Fault fault = takeFault(call);
            if (fault != null && fault.kind().equals("slow")) {
                sleep(fault.delayMs());
            }
            if (fault != null && fault.kind().equals("drop")) {
                record(method, path, 0, null);
                exchange.close();
                return;
            }
            if (fault != null && fault.kind().equals("error")) {
                record(method, path, fault.status(), null);
                if (fault.status() == 429) {
                    synchronized (this) {
                        throttled++;
                    }
                }
                answer(exchange, fault.status(), error(fault.code(), "Simulated fault."));
                return;
            }
            if (fault != null && fault.kind().equals("malformed")) {
                record(method, path, 200, null);
                byte[] junk = "{\"output\": <html>upstream proxy error".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, junk.length);
                exchange.getResponseBody().write(junk);
                exchange.close();
                return;
            }
            Answer answer = switch (call) {
                case "create" -> create(exchange, body);
                case "cancel" -> cancel(exchange, path.substring(TASKS_PATH.length(), path.length() - "/cancel".length()));
                default -> query(exchange, path.substring(TASKS_PATH.length()));
            };
            if (fault != null && fault.kind().equals("drop_after")) {
                exchange.close();
                return;
            }
            answer(exchange, answer.status, answer.body);
        } catch (RuntimeException e) {
            answer(exchange, 500, error("InternalError", "Simulator failure: " + e));
        }
    }

    private record Answer(int status, ObjectNode body) {}

    private Answer create(HttpExchange exchange, byte[] body) {
        try {
            authorize(exchange);
            String async = exchange.getRequestHeaders().getFirst("X-DashScope-Async");
            if (!"enable".equalsIgnoreCase(async == null ? "" : async.trim())) {
                throw new Refusal(403, "AccessDenied", "current user api does not support synchronous calls");
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                throw Refusal.invalid("The request body is not valid JSON.");
            }
            CreateRules.Accepted request = CreateRules.check(json);
            for (String reject : CreateRules.directives(request.prompt(), "reject")) {
                String[] parts = reject.split(":", 2);
                throw new Refusal(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "InvalidParameter",
                        "Simulated refusal.");
            }
            SimTask task = accept(request);
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode output = answer.putObject("output");
            output.put("task_id", task.id);
            output.put("task_status", "PENDING");
            answer.put("request_id", UUID.randomUUID().toString());
            record("POST", CREATE_PATH, 200, task.id);
            return new Answer(200, answer);
        } catch (Refusal r) {
            synchronized (this) {
                if (r.status == 429) {
                    throttled++;
                } else {
                    rejected++;
                }
            }
            record("POST", CREATE_PATH, r.status, null);
            return new Answer(r.status, error(r.code, r.getMessage()));
        }
    }

    private synchronized SimTask accept(CreateRules.Accepted request) {
        long now = clock.getAsLong();
        Deque<Long> window = window("create#" + request.model(), now);
        if (window.size() >= settings.createsPerSecond()) {
            throw new Refusal(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.");
        }
        List<Long> busyUntil = tasks.values().stream()
                .filter(t -> t.model.equals(request.model()) && t.activeAt(now))
                .map(SimTask::releasedMs).sorted().toList();
        long start = now;
        if (busyUntil.size() >= settings.concurrencyPerModel()) {
            if (settings.concurrencyMode() == SimulatorSettings.ConcurrencyMode.REJECT) {
                throw new Refusal(429, "Throttling.RateQuota",
                        "Too many running tasks for " + request.model() + ", please try again later.");
            }
            // Queued: starts when enough earlier tasks have finished.
            start = busyUntil.get(busyUntil.size() - settings.concurrencyPerModel());
        }
        window.addLast(now);
        double pending = directive(request.prompt(), "pending", settings.pendingSeconds());
        double runDefault = settings.runSecondsMin()
                + ThreadLocalRandom.current().nextDouble() * (settings.runSecondsMax() - settings.runSecondsMin());
        double run = directive(request.prompt(), "run", runDefault);
        long startMs = start + Math.round(pending * 1000);
        long endMs = startMs + Math.round(run * 1000);
        List<String> fail = CreateRules.directives(request.prompt(), "fail");
        SimTask task = new SimTask(UUID.randomUUID().toString(), request, now, startMs, endMs,
                fail.isEmpty() ? null : fail.get(0));
        tasks.put(task.id, task);
        return task;
    }

    private static double directive(String prompt, String name, double fallback) {
        List<String> values = CreateRules.directives(prompt, name);
        if (values.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(values.get(0));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("sim:" + name + " needs a number of seconds.");
        }
    }

    private Answer query(HttpExchange exchange, String id) {
        try {
            authorize(exchange);
            synchronized (this) {
                long now = clock.getAsLong();
                Deque<Long> window = window("query", now);
                if (window.size() >= settings.queriesPerSecond()) {
                    throw new Refusal(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.");
                }
                window.addLast(now);
            }
            ObjectNode answer = taskView(id, clock.getAsLong());
            record("GET", TASKS_PATH + id, 200, id);
            return new Answer(200, answer);
        } catch (Refusal r) {
            synchronized (this) {
                if (r.status == 429) {
                    throttled++;
                }
            }
            record("GET", TASKS_PATH + id, r.status, id);
            return new Answer(r.status, error(r.code, r.getMessage()));
        }
    }

    private synchronized ObjectNode taskView(String id, long now) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("request_id", UUID.randomUUID().toString());
        ObjectNode output = answer.putObject("output");
        output.put("task_id", id);
        SimTask task = tasks.get(id);
        String status = task == null ? "UNKNOWN" : task.status(now, retentionMs());
        output.put("task_status", status);
        if (task == null || status.equals("UNKNOWN")) {
            return answer;
        }
        output.put("submit_time", TIME.format(Instant.ofEpochMilli(task.createdMs)));
        if (!status.equals("PENDING") && !status.equals("CANCELED")) {
            output.put("scheduled_time", TIME.format(Instant.ofEpochMilli(task.startMs)));
        }
        if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
            output.put("end_time", TIME.format(Instant.ofEpochMilli(task.endMs)));
        }
        if (status.equals("SUCCEEDED")) {
            output.put("orig_prompt", task.prompt);
            output.put("video_url", baseUrl() + "/_sim/videos/" + task.id + ".mp4");
            ObjectNode usage = answer.putObject("usage");
            int input = Math.min(5, task.referenceVideos * 5);
            // Numbers in every form DashScope has been seen to send them.
            usage.put("duration", (double) (input + task.duration));
            usage.put("input_video_duration", input);
            usage.put("output_video_duration", Integer.toString(task.duration));
            usage.put("video_count", 1);
            usage.put("SR", task.resolution.equals("720P") ? "720" : "1080");
            if (task.model.equals("wan2.7-r2v")) {
                usage.put("ratio", task.ratio);
            }
        }
        if (status.equals("FAILED")) {
            output.put("code", task.failCode);
            output.put("message", "Simulated failure: " + task.failCode + ".");
        }
        return answer;
    }

    private Answer cancel(HttpExchange exchange, String id) {
        try {
            authorize(exchange);
            synchronized (this) {
                long now = clock.getAsLong();
                SimTask task = tasks.get(id);
                if (task == null || task.status(now, retentionMs()).equals("UNKNOWN")) {
                    throw new Refusal(400, "InvalidParameter", "Task not found: " + id);
                }
                if (!task.status(now, retentionMs()).equals("PENDING")) {
                    throw new Refusal(400, "UnsupportedOperation", "Only PENDING tasks can be canceled.");
                }
                task.canceledMs = now;
            }
            record("POST", TASKS_PATH + id + "/cancel", 200, id);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("request_id", UUID.randomUUID().toString());
            return new Answer(200, answer);
        } catch (Refusal r) {
            record("POST", TASKS_PATH + id + "/cancel", r.status, id);
            return new Answer(r.status, error(r.code, r.getMessage()));
        }
    }

    private void authorize(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String key = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (key.isEmpty() || (settings.apiKey() != null && !settings.apiKey().equals(key))) {
            throw new Refusal(401, "InvalidApiKey", "Invalid API-key provided.");
        }
    }

    private Deque<Long> window(String key, long now) {
        Deque<Long> window = rateWindows.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= now - 1000) {
            window.removeFirst();
        }
        return window;
    }

    private synchronized Fault takeFault(String call) {
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            if (f.matches(call)) {
                Fault spent = f.spent();
                if (spent.count() > 0) {
                    faults.set(i, spent);
                } else {
                    faults.remove(i);
                }
                return f;
            }
        }
        return null;
    }

    private synchronized void countCall(String call) {
        switch (call) {
            case "create" -> createCalls++;
            case "cancel" -> cancelCalls++;
            default -> queryCalls++;
        }
    }

    private synchronized void record(String method, String path, int status, String taskId) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("method", method);
        call.put("path", path);
        call.put("status", status);
        call.put("at_ms", clock.getAsLong());
        if (taskId != null) {
            call.put("task_id", taskId);
        }
        calls.addLast(call);
        if (calls.size() > MAX_CALL_LOG) {
            calls.removeFirst();
        }
    }

    // ---------------------------------------------------------------- admin

    private void admin(HttpExchange exchange, String method, String path) throws IOException {
        if (method.equals("GET") && path.equals("/_sim/stats")) {
            answer(exchange, 200, stats());
        } else if (method.equals("GET") && path.equals("/_sim/calls")) {
            ArrayNode list = JSON.valueToTree(calls());
            answer(exchange, 200, list);
        } else if (method.equals("GET") && path.equals("/_sim/tasks")) {
            answer(exchange, 200, JSON.valueToTree(tasks()));
        } else if (method.equals("POST") && path.equals("/_sim/reset")) {
            reset();
            answer(exchange, 200, JSON.createObjectNode().put("reset", true));
        } else if (method.equals("POST") && path.equals("/_sim/faults")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            for (JsonNode f : body.isArray() ? body : JSON.createArrayNode().add(body)) {
                inject(JSON.treeToValue(f, Fault.class));
            }
            answer(exchange, 200, JSON.createObjectNode().put("injected", body.isArray() ? body.size() : 1));
        } else if (method.equals("GET") && path.startsWith("/_sim/videos/") && path.endsWith(".mp4")) {
            String id = path.substring("/_sim/videos/".length(), path.length() - ".mp4".length());
            boolean known;
            synchronized (this) {
                known = tasks.containsKey(id);
            }
            if (!known) {
                answer(exchange, 404, error("NotFound", "No such video."));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, video.length);
            exchange.getResponseBody().write(video);
            exchange.close();
        } else {
            answer(exchange, 404, error("NotFound", "No such simulator endpoint."));
        }
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("code", code);
        node.put("message", message);
        node.put("request_id", UUID.randomUUID().toString());
        return node;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the simulator alone: {@code java -cp ... DashScopeSimulator [port]}, settings from SIM_* variables. */
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        DashScopeSimulator sim = start(SimulatorSettings.fromEnvironment(System.getenv()), port, System::currentTimeMillis);
        System.out.println("DashScope simulator on " + sim.baseUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        Thread.currentThread().join();
    }
}
