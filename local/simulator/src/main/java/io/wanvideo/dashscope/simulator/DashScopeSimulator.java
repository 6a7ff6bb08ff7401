package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A faithful stand-in for DashScope's asynchronous video synthesis, on a loopback port.
 *
 * <p>Speaks the calls of spec/upstream.md (create, query, cancel) and the batch listing of LISTING.md with their
 * headers, validation, error shapes and codes; downloads loopback media as DashScope downloads inputs; moves tasks
 * PENDING → RUNNING → SUCCEEDED on a configurable clock; enforces per API key (one key, one account) the per-model
 * concurrency and create rate and the query and listing rates (429 Throttling.RateQuota); forgets tasks after the
 * retention period (UNKNOWN); serves a small real MP4 at each signed result URL until it expires; keeps its tasks
 * in a data directory across restarts if given one; injects faults on demand; and counts every call, so tests can
 * assert how the gateway treated it.
 *
 * <p>If told where ({@link #sendCompletionEvents}), it also pushes each task's completion event to its account's
 * HTTP endpoint, as Model Studio does through Alibaba EventBridge: one CloudEvents 1.0 JSON POST once the task is
 * SUCCEEDED, FAILED or CANCELED, retried a few times if the endpoint fails; see {@link CompletionEvents}.
 *
 * <p>Directives in a prompt steer one task: {@code sim:fail=CODE} (ends FAILED with CODE),
 * {@code sim:reject=STATUS:CODE} (the create is refused), {@code sim:run=SECONDS}, {@code sim:pending=SECONDS}.
 *
 * <p>Test and inspection endpoints: GET /_sim/stats, GET /_sim/calls, GET /_sim/tasks, POST /_sim/faults,
 * POST /_sim/reset, GET /_sim/videos/{task_id}.mp4?Expires=..&amp;Signature=.. (the result URLs).
 *
 * <p>Its parts: {@link SimulatedDashScope} (the clock-driven model), {@link HttpFront} (the wire),
 * {@link CallLog} (what was called), {@link TaskJournal} (what survives a restart), {@link MediaDownloader},
 * {@link CompletionEvents} (what is pushed).
 */
public final class DashScopeSimulator implements AutoCloseable {
    static final String CREATE_PATH = HttpFront.CREATE_PATH;
    static final String TASKS_PATH = HttpFront.TASKS_PATH + "/";

    private final TaskJournal journal;
    private final SimulatedDashScope dashScope;
    private final CallLog log = new CallLog();
    private final CompletionEvents events;
    private final HttpFront front;
    private final HttpServer server;
    private final ExecutorService executor;

    private DashScopeSimulator(SimulatorSettings settings, LongSupplier clock, int port) throws IOException {
        byte[] video;
        try (InputStream in = DashScopeSimulator.class.getResourceAsStream("sample.mp4")) {
            video = in.readAllBytes();
        }
        this.journal = settings.dataDir() == null ? TaskJournal.inMemory() : TaskJournal.open(settings.dataDir());
        this.dashScope = new SimulatedDashScope(settings, clock, journal);
        this.events = new CompletionEvents(dashScope);
        this.front = new HttpFront(dashScope, log, new MediaDownloader(), settings.apiKeys(), video, this::baseUrl,
                this::stats, this::reset);
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        } catch (IOException e) {
            journal.close();
            throw e;
        }
        this.executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "dashscope-sim");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", front);
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
        events.close();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close();
    }

    /** Adds a fault for the next calls of its target. */
    public void inject(Fault fault) {
        front.inject(fault);
    }

    /**
     * Pushes each task's completion event, as Alibaba EventBridge delivers Model Studio's, to the target configured
     * for the account (API key) that created it: one POST per task that becomes SUCCEEDED, FAILED or CANCELED from
     * now on, no earlier than its end plus {@code targets.delay()} on the simulator's clock. Calling it again
     * replaces the targets (events already under way keep theirs); {@link #close()} stops the sender.
     *
     * @throws IllegalArgumentException if a header is one the HTTP client may not set (Host, Content-Length, ...)
     */
    public void sendCompletionEvents(EventTargets targets) {
        events.configure(targets);
    }

    /** While paused, completion events falling due are dropped for good, as if EventBridge had lost them. */
    public void pauseCompletionEvents(boolean paused) {
        events.pause(paused);
    }

    /** Forgets faults, counters, tasks (in the data directory too) and which completion events were sent. */
    public void reset() {
        front.clearFaults();
        dashScope.reset();
        log.clear();
        events.reset();
    }

    /**
     * What the simulator has seen; the same JSON as GET /_sim/stats. Calls: create_calls, query_calls, cancel_calls,
     * list_calls, throttled, rejected. Tasks: tasks_created, running_now, active_now, max_concurrent, max_running,
     * per_model; and per_key (by key label): tasks_created, active_now, max_concurrent, max_running, throttled,
     * per_model. Completion events: events_sent (delivered, 2xx), events_failed (dropped after the last retry).
     */
    public ObjectNode stats() {
        ObjectNode root = log.counters();
        root.setAll(dashScope.stats(log.throttledPerKey()));
        root.setAll(events.counters());
        return root;
    }

    /** Every call received, oldest first: method, path, status, at_ms, call, and task_id and key when known. */
    public List<Map<String, Object>> calls() {
        return log.calls();
    }

    /**
     * The per-task timeline, oldest first: task_id, key (a label, never the key), model, prompt, created_ms, start_ms,
     * end_ms, canceled_ms, status, request_id, inputs_digest, and media (field, type, url, source, bytes, sha256).
     */
    public List<Map<String, Object>> tasks() {
        return dashScope.tasks();
    }

    /**
     * Runs the simulator as its own process until SIGTERM or SIGINT:
     * {@code java -cp ... DashScopeSimulator [--port N] [--data DIR]}; other settings from SIM_* variables.
     */
    public static void main(String[] args) throws InterruptedException {
        SimulatorSettings settings = SimulatorSettings.fromEnvironment(System.getenv());
        int port = 8089;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--data" -> settings = settings.withDataDir(Path.of(value(args, ++i, "--data")));
                case "--help", "-h" -> {
                    System.out.println("usage: DashScopeSimulator [--port N] [--data DIR]   (SIM_* variables: see README)");
                    return;
                }
                default -> {
                    if (!args[i].matches("\\d+")) {
                        System.err.println("unknown argument " + args[i] + "; usage: DashScopeSimulator [--port N] [--data DIR]");
                        System.exit(2);
                    }
                    port = Integer.parseInt(args[i]);
                }
            }
        }
        DashScopeSimulator sim = start(settings, port, System::currentTimeMillis);
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "dashscope-sim-shutdown"));
        System.out.println("DashScope simulator on " + sim.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            System.err.println(flag + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
