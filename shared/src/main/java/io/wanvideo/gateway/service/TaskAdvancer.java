package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Moves a task one step, on a message from the poll queue:
 *
 * <pre>
 * QUEUED      -> hand free slots to the oldest backlog tasks (this one among them if its turn has come)
 * DISPATCHING -> wait for the create rate -> SUBMITTING -> create upstream -> RUNNING, first poll scheduled
 * SUBMITTING  -> a create whose answer never arrived: its outcome is unknown, the task fails
 * RUNNING     -> wait for the query rate -> query -> reschedule, or finish and free the slot
 * </pre>
 *
 * Every change is a conditional write on the task's version, and every message names the version it was
 * sent for, so a duplicated or redelivered message can never create an upstream task twice, release a slot
 * twice, or move a task backwards. Each write that leaves work to do is followed by one message; a crash
 * in between leaves a slot holder whose message is overdue, which the sweep re-enqueues.
 */
public final class TaskAdvancer {
    private static final Logger LOG = LogManager.getLogger(TaskAdvancer.class);
    /** Rate waits shorter than this are slept through; longer ones go back on the queue. */
    private static final long MAX_INLINE_WAIT_MS = 1000;
    private static final int MAX_BACKOFF_SECONDS = 60;

    private final TaskStore store;
    private final TaskQueue queue;
    private final VideoUpstream upstream;
    private final RateGate rates;
    private final UpstreamSlots slots;
    private final GenerationTimeModel times;
    private final PollPlanner planner;
    private final PollerSettings settings;
    private final Clock clock;

    public TaskAdvancer(TaskStore store, TaskQueue queue, VideoUpstream upstream, RateGate rates,
            GenerationTimeModel times, PollPlanner planner, PollerSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.upstream = upstream;
        this.rates = rates;
        this.times = times;
        this.planner = planner;
        this.settings = settings;
        this.clock = clock;
        this.slots = new UpstreamSlots(store, queue, clock, settings.slotsPerPool());
    }

    public UpstreamSlots slots() {
        return slots;
    }

    public void advance(TaskMessage message) {
        VideoTask task = store.find(message.taskId()).orElse(null);
        if (task == null) {
            LOG.warn("message for unknown task {}; dropped", message.taskId());
            return;
        }
        if (task.state().terminal()) {
            return;
        }
        if (task.state() == TaskState.QUEUED) {
            slots.fill(task.model().slotPool(), task);
            return;
        }
        if (message.version() != null && message.version() != task.version()) {
            LOG.debug("stale message for task {} (version {}, now {}); dropped", task.id(), message.version(),
                    task.version());
            return;
        }
        long now = clock.millis();
        if (task.dueMs() != null && task.dueMs() - now > 1000) {
            // Delays longer than SQS allows arrive early: wait again.
            queue.send(TaskMessage.advance(task), secondsUntil(task.dueMs(), now));
            return;
        }
        switch (task.state()) {
            case DISPATCHING -> dispatch(task);
            case SUBMITTING -> settleLostCreate(task);
            case RUNNING -> poll(task);
            default -> throw new IllegalStateException("unexpected state " + task.state());
        }
    }

    private void dispatch(VideoTask task) {
        long wait = acquire("create#" + task.model().slotPool(), settings.createIntervalMs());
        if (wait > 0) {
            reschedule(task, secondsFor(wait));
            return;
        }
        long now = clock.millis();
        VideoTask submitting = task.next().state(TaskState.SUBMITTING).submitStartedMs(now)
                .dueMs(now + settings.createTimeout().toMillis() + settings.orphanGrace().toMillis() / 2).build();
        try {
            store.transition(task, submitting, slots.capacity());
        } catch (StaleTaskException e) {
            return;
        }
        String upstreamId;
        try {
            upstreamId = upstream.create(submitting.spec());
        } catch (UpstreamException e) {
            createFailed(submitting, e);
            return;
        }
        long accepted = clock.millis();
        LogNormal expected = times.expected(submitting.spec());
        int delay = planner.nextDelaySeconds(expected, 0, 0);
        VideoTask running = submitting.next().state(TaskState.RUNNING).upstreamId(upstreamId).submittedMs(accepted)
                .runOriginMs(accepted).upstreamStatus("PENDING").attempts(0).dueMs(accepted + delay * 1000L).build();
        try {
            store.transition(submitting, running, slots.capacity());
        } catch (RuntimeException e) {
            LOG.error("task {} was created upstream as {} but that could not be recorded", task.id(), upstreamId, e);
            throw e;
        }
        LOG.info("task {} created upstream as {} ({} ms after submission); first poll in {} s", task.id(), upstreamId,
                accepted - task.createdMs(), delay);
        queue.send(TaskMessage.advance(running), delay);
    }

    private void createFailed(VideoTask submitting, UpstreamException e) {
        switch (e.kind()) {
            case THROTTLED, TRANSIENT -> {
                int attempts = submitting.attempts() + (e.kind() == UpstreamException.Kind.TRANSIENT ? 1 : 0);
                if (attempts >= settings.maxTransientAttempts()) {
                    String code = e.code() != null ? e.code() : "upstream_unavailable";
                    finish(submitting, failed(submitting, code, "DashScope kept failing to accept the task: "
                            + e.getMessage()));
                    return;
                }
                long now = clock.millis();
                // Back off in proportion to how long the task has waited for its create: 2 s, then doubling
                // to a minute, whether the upstream throttles or fails.
                int backoff = backoffSeconds((now - submitting.dispatchedMs()) / 2000.0);
                VideoTask again = submitting.next().state(TaskState.DISPATCHING).submitStartedMs(null)
                        .attempts(attempts).dueMs(now + backoff * 1000L).build();
                store.transition(submitting, again, slots.capacity());
                LOG.warn("task {}: create {} ({}); retrying in {} s", submitting.id(), e.kind(), e.getMessage(), backoff);
                queue.send(TaskMessage.advance(again), backoff);
            }
            case PERMANENT -> finish(submitting, failed(submitting, TaskErrors.UPSTREAM_REJECTED,
                    "DashScope refused the task: " + e.getMessage()));
            case UNCERTAIN -> finish(submitting, failed(submitting, TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN,
                    "The create call to DashScope got no answer (" + e.getMessage() + "); it was not resubmitted, "
                            + "to avoid running and billing it twice. Submit the request again."));
        }
    }

    /** A SUBMITTING task met by a message: its create either is still in flight or was lost with a crash. */
    private void settleLostCreate(VideoTask task) {
        long deadline = task.submitStartedMs() + settings.createTimeout().toMillis() + 5000;
        long now = clock.millis();
        if (now < deadline) {
            queue.send(TaskMessage.advance(task), secondsUntil(deadline, now));
            return;
        }
        finish(task, failed(task, TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN, "The gateway stopped while creating this "
                + "task upstream and cannot tell whether DashScope accepted it; it was not resubmitted, to avoid "
                + "running and billing it twice. Submit the request again."));
    }

    private void poll(VideoTask task) {
        long wait = acquire("query", settings.queryIntervalMs());
        if (wait > 0) {
            reschedule(task, secondsFor(wait));
            return;
        }
        UpstreamTask view;
        try {
            view = upstream.query(task.upstreamId());
        } catch (UpstreamException e) {
            if (e.httpStatus() == 404) {
                finish(task, failed(task, TaskErrors.UPSTREAM_TASK_NOT_FOUND, "DashScope no longer knows task "
                        + task.upstreamId() + "."));
                return;
            }
            // Throttling, 5xx and timeouts pass; a 401/403 is a key problem to fix, not the task's fault.
            int backoff = backoffSeconds(Math.pow(2, task.attempts()));
            LOG.warn("task {}: query {} ({}); next try in {} s", task.id(), e.kind(), e.getMessage(), backoff);
            reschedule(task.next().attempts(task.attempts() + 1), task, backoff);
            return;
        }
        long now = clock.millis();
        switch (view.status()) {
            case "SUCCEEDED" -> {
                if (view.videoUrl() == null || view.videoUrl().isBlank()) {
                    finish(task, failed(task, "upstream_missing_result", "DashScope reported success without a video URL."));
                    return;
                }
                finish(task, task.next().state(TaskState.COMPLETED).upstreamStatus(view.status()).polls(task.polls() + 1)
                        .completedMs(now).videoUrl(view.videoUrl()).usage(view.usage())
                        .videoExpiresMs(now + settings.videoUrlLifetime().toMillis()).build());
            }
            case "FAILED" -> finish(task, failed(task, view.code() != null ? view.code() : "upstream_failed",
                    view.message() != null ? view.message() : "DashScope reported the task failed without a reason."));
            case "CANCELED" -> finish(task, failed(task, TaskErrors.CANCELLED, "The task was cancelled upstream."));
            case "UNKNOWN" -> finish(task, failed(task, TaskErrors.UPSTREAM_TASK_NOT_FOUND, "DashScope no longer knows "
                    + "task " + task.upstreamId() + " (task ids expire after 24 hours)."));
            default -> stillRunning(task, view, now);
        }
    }

    /** PENDING, RUNNING, or a status we do not recognise (shown as `unknown`, polled on). */
    private void stillRunning(VideoTask task, UpstreamTask view, long now) {
        int shown = VideoObject.progress(task, now, times);
        long origin = "PENDING".equals(view.status()) ? now : task.runOriginMs();
        int polls = task.polls() + 1;
        int delay = planner.nextDelaySeconds(times.expected(task.spec()), (now - origin) / 1000.0, polls);
        if (!"PENDING".equals(view.status()) && !"RUNNING".equals(view.status())) {
            LOG.warn("task {}: unrecognised upstream status {}", task.id(), view.status());
        }
        VideoTask next = task.next().upstreamStatus(view.status()).runOriginMs(origin).polls(polls).attempts(0)
                .progressFloor(shown).dueMs(now + delay * 1000L).build();
        try {
            store.transition(task, next, slots.capacity());
        } catch (StaleTaskException e) {
            return;
        }
        queue.send(TaskMessage.advance(next), delay);
    }

    /** Records the terminal state, releasing the slot in the same transaction, then starts the next task. */
    public void finish(VideoTask current, VideoTask terminal) {
        try {
            store.transition(current, terminal, slots.capacity());
        } catch (StaleTaskException e) {
            return;
        }
        if (terminal.state() == TaskState.COMPLETED) {
            LOG.info("task {} completed after {} polls, {} ms after submission", terminal.id(), terminal.polls(),
                    terminal.completedMs() - terminal.createdMs());
        } else {
            LOG.info("task {} failed: {} {}", terminal.id(), terminal.error().code(), terminal.error().message());
        }
        slots.fill(terminal.model().slotPool(), null);
    }

    VideoTask failed(VideoTask task, String code, String message) {
        return task.next().state(TaskState.FAILED).completedMs(clock.millis()).error(new TaskError(code, message)).build();
    }

    private void reschedule(VideoTask task, int delaySeconds) {
        reschedule(task.next(), task, delaySeconds);
    }

    private void reschedule(VideoTask.Builder change, VideoTask current, int delaySeconds) {
        VideoTask next = change.dueMs(clock.millis() + delaySeconds * 1000L).build();
        try {
            store.transition(current, next, slots.capacity());
        } catch (StaleTaskException e) {
            return;
        }
        queue.send(TaskMessage.advance(next), delaySeconds);
    }

    /** @return 0 once the gate is taken, otherwise how long to come back after */
    private long acquire(String gate, long intervalMs) {
        long deadline = clock.millis() + MAX_INLINE_WAIT_MS;
        while (true) {
            long wait = rates.tryAcquire(gate, intervalMs);
            if (wait == 0) {
                return 0;
            }
            if (clock.millis() + wait > deadline) {
                return wait;
            }
            sleep(wait);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a rate slot", e);
        }
    }

    /** At least 2 s, at most a minute (throttling usually clears within one), ±20% jitter. */
    static int backoffSeconds(double seconds) {
        double base = Math.max(2, Math.min(MAX_BACKOFF_SECONDS, seconds));
        double jittered = base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
        return (int) Math.max(1, Math.min(MAX_BACKOFF_SECONDS, Math.round(jittered)));
    }

    private static int secondsFor(long ms) {
        return (int) Math.max(1, (ms + 999) / 1000);
    }

    private static int secondsUntil(long dueMs, long nowMs) {
        return secondsFor(dueMs - nowMs);
    }
}
