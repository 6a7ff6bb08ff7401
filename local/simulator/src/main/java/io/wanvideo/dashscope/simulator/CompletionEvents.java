package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Model Studio's asynchronous task completion events, pushed as Alibaba EventBridge delivers them to an HTTP
 * target: once a task is SUCCEEDED, FAILED or CANCELED, one CloudEvents 1.0 structured-mode JSON POST to the
 * endpoint configured for the account (API key) that created it, {@code delay} after the task's end.
 *
 * <p>The envelope is EventBridge's (specversion, id, source, type, subject, time, datacontenttype, and its
 * aliyunregionid extension). Model Studio's exact {@code type} and {@code data} fields are not documented in enough
 * detail to copy, so this sends {@code type} {@value #TYPE}, {@code source} {@value #SOURCE}, and in {@code data}
 * only what the documentation promises (task status and task id) plus model, the create's request_id and end_time
 * (in the query's format). A receiver should therefore treat the event as a hint and query the task once, as the
 * documentation advises, rather than rely on more of the body than the task id.
 *
 * <p>Clock-driven: a daemon thread ticks every ~20 ms and asks the model for the tasks that ended in (cutoff,
 * now - delay - 1], then moves the cutoff up. The window never includes the current millisecond, so a task that
 * ends (or is cancelled) in the very millisecond of a tick falls into the next window instead of being missed; an
 * event therefore goes out no earlier than 1 ms after end + delay. A task whose event was already due when the
 * targets were first set is not announced (the rule did not exist yet); nor is a task that has expired by
 * retention. A new delay applies from the cutoff on: a longer one holds later events back, a shorter one sends
 * what it makes due at once. If the clock steps back (a test's fake clock may, after {@link #reset}), the window
 * follows it back; the ids already sent are remembered so that nothing goes out twice.
 *
 * <p>Deliveries run on the HTTP client's own small pool, never under the model's lock. A failed delivery (no
 * connection, a timeout, a non-2xx answer) is retried after each pause of the back-off, as EventBridge retries,
 * then dropped; the outcome is counted in events_sent and events_failed.
 */
final class CompletionEvents implements AutoCloseable {
    static final String SOURCE = "acs.dashscope";
    static final String TYPE = "dashscope:System:AsyncTaskFinished";
    /** 3 attempts: the first, then after 200 ms, then after 1 s more. */
    static final List<Duration> BACKOFF = List.of(Duration.ofMillis(200), Duration.ofSeconds(1));
    private static final Duration TICK = Duration.ofMillis(20);
    private static final int REMEMBERED_IDS = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOUD_EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The targets as the sender uses them: by key label, so the keys themselves are not kept. */
    private record Config(Map<String, URI> byLabel, Map<String, String> headers, long delayMs) {}

    /** One event on its way; {@code epoch} ties it to the reset it was sent under. */
    private record Delivery(String taskId, URI url, Map<String, String> headers, byte[] body, long epoch) {}

    private final SimulatedDashScope model;
    private final Duration tickEvery;
    private final List<Duration> backoff;
    private final AtomicReference<Config> config = new AtomicReference<>();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Ids already announced, the most recent ones only: a window is moved back by little, if at all. */
    private final Map<String, Boolean> sentIds = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    /** Tasks that ended up to here have been dealt with. */
    private long cutoffMs;
    /** The clock at the last tick, to tell the clock stepping back from a delay growing. */
    private long lastNowMs;
    private boolean paused;
    private volatile boolean closed;
    private ScheduledExecutorService ticker;
    private ExecutorService senders;
    private HttpClient client;

    CompletionEvents(SimulatedDashScope model) {
        this(model, TICK, BACKOFF);
    }

    /** A test may tick by hand (a long {@code tickEvery}) and retry sooner (a short {@code backoff}). */
    CompletionEvents(SimulatedDashScope model, Duration tickEvery, List<Duration> backoff) {
        this.model = model;
        this.tickEvery = tickEvery;
        this.backoff = List.copyOf(backoff);
    }

    /** Replaces the targets; the first call starts the sender. */
    synchronized void configure(EventTargets targets) {
        if (closed) {
            throw new IllegalStateException("the simulator is closed");
        }
        Map<String, URI> byLabel = new HashMap<>();
        targets.byApiKey().forEach((key, url) -> byLabel.put(ApiKey.of(key).label(), url));
        // Fail here, not on the sender thread, on a header the HTTP client refuses to set (Host, Content-Length...).
        request(URI.create("http://127.0.0.1/"), targets.headers(), new byte[0]);
        Config next = new Config(Map.copyOf(byLabel), targets.headers(), targets.delay().toMillis());
        if (config.getAndSet(next) == null) {
            restartWindow(next);
            start();
        }
    }

    /** While paused, events falling due are dropped, as if EventBridge had lost them; they are not sent later. */
    synchronized void pause(boolean value) {
        paused = value;
    }

    /**
     * Sends the events now due; the ticker calls it, and a test may too. Returns how many deliveries it started.
     */
    synchronized int tick() {
        Config c = config.get();
        if (c == null || closed) {
            return 0;
        }
        long now = model.now();
        long upTo = now - c.delayMs() - 1;
        if (now < lastNowMs) {
            // The clock stepped back: so does the window, lest tasks ending before the old cutoff go unannounced.
            cutoffMs = Math.min(cutoffMs, upTo);
        }
        lastNowMs = now;
        if (upTo <= cutoffMs) {
            // Nothing new; or a longer delay, which holds back what ended after the cutoff until it is due.
            return 0;
        }
        List<SimTask> ended = model.endedBetween(cutoffMs, upTo);
        cutoffMs = upTo;
        int started = 0;
        for (SimTask task : ended) {
            if (sentIds.put(task.id(), Boolean.TRUE) != null || paused) {
                continue;
            }
            URI url = c.byLabel().get(task.keyLabel());
            if (url != null) {
                attempt(new Delivery(task.id(), url, c.headers(), event(task), epoch.get()), 0);
                started++;
            }
        }
        return started;
    }

    /** events_sent and events_failed, for the stats. */
    ObjectNode counters() {
        ObjectNode node = JSON.createObjectNode();
        node.put("events_sent", sent.get());
        node.put("events_failed", failed.get());
        return node;
    }

    /** Forgets sent ids and counters, and abandons deliveries under way; the targets stay. */
    synchronized void reset() {
        epoch.incrementAndGet();
        sentIds.clear();
        sent.set(0);
        failed.set(0);
        Config c = config.get();
        if (c != null) {
            restartWindow(c);
        }
    }

    /** Announces only what falls due from now on. */
    private void restartWindow(Config c) {
        lastNowMs = model.now();
        cutoffMs = lastNowMs - c.delayMs() - 1;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
            senders.shutdownNow();
        }
    }

    /** The event as EventBridge delivers it in structured mode. */
    static byte[] event(SimTask task) {
        long end = task.releasedMs();
        ObjectNode event = JSON.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", SOURCE);
        event.put("type", TYPE);
        event.put("subject", SOURCE + ":" + SimulatedDashScope.REGION + ":" + task.keyLabel() + ":task/" + task.id());
        event.put("time", CLOUD_EVENT_TIME.format(Instant.ofEpochMilli(end)));
        event.put("datacontenttype", "application/json");
        event.put("aliyunregionid", SimulatedDashScope.REGION);
        ObjectNode data = event.putObject("data");
        data.put("task_id", task.id());
        // Its outcome at its own end: SUCCEEDED or FAILED, or CANCELED.
        data.put("task_status", task.outcome(end));
        data.put("model", task.model());
        data.put("request_id", task.requestId());
        data.put("end_time", HttpFront.TIME.format(Instant.ofEpochMilli(end)));
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start() {
        senders = Executors.newFixedThreadPool(2, daemon("dashscope-sim-events-send"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .executor(senders).build();
        ticker = Executors.newSingleThreadScheduledExecutor(daemon("dashscope-sim-events"));
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again; one bad tick must not stop the events.
                System.err.println("completion events: tick failed: " + e);
            }
        }, tickEvery.toMillis(), tickEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt(Delivery d, int retries) {
        if (closed || d.epoch() != epoch.get()) {
            return;
        }
        client.sendAsync(request(d.url(), d.headers(), d.body()), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error == null && response.statusCode() / 100 == 2) {
                        count(d, sent);
                    } else if (retries < backoff.size() && !closed) {
                        try {
                            ticker.schedule(() -> attempt(d, retries + 1), backoff.get(retries).toMillis(),
                                    TimeUnit.MILLISECONDS);
                        } catch (RejectedExecutionException closing) {
                            // Closed meanwhile: nothing more is sent.
                        }
                    } else {
                        count(d, failed);
                    }
                });
    }

    private void count(Delivery d, AtomicLong counter) {
        if (d.epoch() == epoch.get()) {
            counter.incrementAndGet();
        }
    }

    private static HttpRequest request(URI url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json");
        headers.forEach(b::setHeader);
        return b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
