package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.Jitter;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Creates a slot holder's task upstream, exactly once:
 *
 * <pre>
 * DISPATCHING -> wait for the account's create rate -> SUBMITTING (written first) -> create -> RUNNING
 * SUBMITTING  -> a create whose answer was never recorded: record it if the id was kept, else its outcome is unknown
 * </pre>
 *
 * A create that was sent but not answered is never repeated (the upstream has no idempotency key: it could run
 * and bill twice). A create that was answered is never forgotten: its RUNNING write is retried in place, and
 * if it still cannot be written the upstream id travels in a message so the next delivery records it.
 */
public final class Dispatcher {
    private static final Logger LOG = LogManager.getLogger(Dispatcher.class);
    private static final int MAX_BACKOFF_SECONDS = 60;
    private static final int RECORD_ATTEMPTS = 5;
    /** How long {@link #record} may keep retrying in place after the create answered: the sum of its pauses. */
    static final long RECORD_WINDOW_MS = java.util.stream.IntStream.rangeClosed(1, RECORD_ATTEMPTS)
            .mapToLong(Dispatcher::recordPauseMs).sum();

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final CallGates gates;
    private final TaskFinisher finisher;
    private final AccountHealth health;
    private final InputLinks inputs;
    private final GenerationTimeModel times;
    private final PollPlans plans;
    private final PollerSettings settings;
    private final Clock clock;

    public Dispatcher(TaskStore store, TaskQueue queue, Upstreams upstreams, RateGate rates, TaskFinisher finisher,
            AccountHealth health, InputLinks inputs, GenerationTimeModel times, PollPlans plans,
            PollerSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.gates = new CallGates(rates);
        this.finisher = finisher;
        this.health = health;
        this.inputs = inputs;
        this.times = times;
        this.plans = plans;
        this.settings = settings;
        this.clock = clock;
    }

    void dispatch(VideoTask task) {
        long now = clock.millis();
        if (now - task.dispatchedMs() > settings.dispatchTimeout().toMillis()) {
            finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_UNAVAILABLE, "The upstream kept refusing or "
                    + "throttling the create call for " + settings.dispatchTimeout().toMinutes() + " minutes; nothing was "
                    + "created or billed. Submit the request again later."));
            return;
        }
        VideoUpstream upstream = upstreams.get(task.account());
        long wait = gates.acquire(upstream.createGate(task.pool()));
        if (wait > 0) {
            reschedule(task, task.next(), secondsFor(wait));
            return;
        }
        VideoSpec request;
        try {
            request = inputs.resolve(task.spec());
        } catch (RuntimeException e) {
            LOG.warn("task {}: inputs could not be linked ({}); retrying", task.id(), e.toString());
            reschedule(task, task.next().attempts(task.attempts() + 1), backoffSeconds(2 << Math.min(task.attempts(), 4)));
            return;
        }
        now = clock.millis();
        VideoTask submitting = task.next().state(TaskState.SUBMITTING).submitStartedMs(now)
                .dueMs(now + settings.createTimeout().toMillis() + settings.orphanGrace().toMillis() / 2).build();
        try {
            store.transition(task, submitting);
        } catch (StaleTaskException e) {
            return;
        }
        String upstreamId;
        try {
            upstreamId = upstream.create(request);
            Metrics.count(Metric.UPSTREAM_CALLS, "create", "ok");
        } catch (UpstreamException e) {
            UpstreamOutcomes.failed("create", e);
            createFailed(submitting, e);
            return;
        }
        record(submitting, upstreamId);
    }

    /** The create was accepted: record RUNNING, retrying in place; failing that, keep the id in a message. */
    private void record(VideoTask answered, String upstreamId) {
        long accepted = clock.millis();
        LogNormal expected = times.expected(answered.spec());
        int delay = plans.nextDelaySeconds(answered, expected, 0, 0);
        VideoTask submitting = answered;
        RuntimeException last = null;
        for (int attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
            VideoTask running = submitting.next().state(TaskState.RUNNING).upstreamId(upstreamId).submittedMs(accepted)
                    .runOriginMs(accepted).upstreamState(UpstreamState.WAITING).attempts(0)
                    .dueMs(accepted + delay * 1000L).build();
            try {
                store.transition(submitting, running);
                LOG.info("task {} created upstream as {} on account {} ({} ms after submission); first poll in {} s",
                        submitting.id(), upstreamId, submitting.account(), accepted - submitting.createdMs(), delay);
                queue.send(TaskMessage.advance(running), delay);
                plans.running(running, expected);
                return;
            } catch (StaleTaskException e) {
                VideoTask now = store.find(answered.id()).orElse(null);
                if (now != null && now.state() == TaskState.SUBMITTING
                        && java.util.Objects.equals(now.submitStartedMs(), answered.submitStartedMs())) {
                    // Only touched meanwhile (the sweep re-enqueues a SUBMITTING task whose message is overdue): the
                    // answer still belongs to this very create, and dropping it would fail a task DashScope runs.
                    submitting = now;
                    continue;
                }
                if (now != null && now.state().terminal()) {
                    createdAfterTheEnd(now, upstreamId);
                    return;
                }
                LOG.warn("task {} moved on while its creation as {} was being recorded", answered.id(), upstreamId);
                return;
            } catch (RuntimeException e) {
                last = e;
                sleep(recordPauseMs(attempt));
            }
        }
        LOG.error("task {} was created upstream as {} but that could not be recorded; the id goes on in a message",
                submitting.id(), upstreamId, last);
        queue.send(TaskMessage.created(submitting, upstreamId), 0);
        throw last != null ? last : new IllegalStateException("task " + submitting.id() + " kept changing while its creation "
                + "was being recorded");
    }

    private static long recordPauseMs(int attempt) {
        return Math.min(4000, 200L << attempt);
    }

    private void createFailed(VideoTask submitting, UpstreamException e) {
        switch (e.kind()) {
            case THROTTLED, TRANSIENT -> {
                int attempts = submitting.attempts() + (e.kind() == UpstreamException.Kind.TRANSIENT ? 1 : 0);
                if (attempts >= settings.maxTransientAttempts()) {
                    String code = e.code() != null ? e.code() : TaskErrors.UPSTREAM_UNAVAILABLE;
                    finisher.finish(submitting, finisher.failed(submitting, code, "The upstream kept failing to accept "
                            + "the task: " + e.getMessage()));
                    return;
                }
                long now = clock.millis();
                // Back off in proportion to how long the task has waited for its create: 2 s, then doubling to a
                // minute, whether the upstream throttles or fails.
                int backoff = backoffSeconds((now - submitting.dispatchedMs()) / 2000.0);
                VideoTask again = submitting.next().state(TaskState.DISPATCHING).submitStartedMs(null)
                        .attempts(attempts).dueMs(now + backoff * 1000L).build();
                try {
                    store.transition(submitting, again);
                } catch (StaleTaskException stale) {
                    return;
                }
                LOG.warn("task {}: create {} ({}); retrying in {} s", submitting.id(), e.kind(), e.getMessage(), backoff);
                queue.send(TaskMessage.advance(again), backoff);
            }
            case ACCOUNT_UNUSABLE -> {
                health.refused(submitting.account(), e);
                finisher.requeue(submitting, "account " + submitting.account() + " refused the create (" + e.getMessage() + ")");
            }
            case PERMANENT, NOT_FOUND, NOT_CANCELLABLE -> finisher.finish(submitting, finisher.failed(submitting,
                    TaskErrors.UPSTREAM_REJECTED, "The upstream refused the task: " + e.getMessage()));
            case UNCERTAIN -> finisher.finish(submitting, finisher.failed(submitting, TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN,
                    "The create call got no answer (" + e.getMessage() + "); it was not resubmitted, to avoid running "
                            + "and billing it twice. Submit the request again."));
        }
    }

    /**
     * Whether the message carries the answer of this task's create (an upstream id the RUNNING record could not take
     * at once). It is honoured whatever version it names: a SUBMITTING task has one create in flight at most, and
     * the sweep may have touched the task meanwhile; dropping it as stale would forget a task DashScope runs and bills.
     */
    static boolean isCreationOf(VideoTask task, TaskMessage message) {
        return message.upstreamId() != null && task.state() == TaskState.SUBMITTING;
    }

    /**
     * A create's answer that arrived after its task was already ended (failed as uncertain by the sweep or a dead
     * letter while the answer waited in its message). The upstream task exists and is billed: its id goes on the
     * record, and the error says so, so that the client and the operator can find it.
     */
    void createdAfterTheEnd(VideoTask task, String upstreamId) {
        if (task.upstreamId() != null) {
            return;
        }
        LOG.error("task {} had already ended ({}) when its creation upstream as {} on account {} became known; the id "
                + "is recorded on the task", task.id(), task.error() == null ? task.state() : task.error().code(),
                upstreamId, task.account());
        VideoTask.Builder next = task.next().upstreamId(upstreamId);
        if (task.error() != null && TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN.equals(task.error().code())) {
            next.error(new TaskError(TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN, "The gateway could not record in time that "
                    + "the upstream accepted this task (as " + upstreamId + "); it was not resubmitted. Its result is "
                    + "not collected: submit the request again."));
        }
        try {
            store.transition(task, next.build());
        } catch (StaleTaskException e) {
            store.find(task.id()).filter(t -> t.upstreamId() == null && t.state().terminal())
                    .ifPresent(t -> createdAfterTheEnd(t, upstreamId));
        }
    }

    /**
     * A SUBMITTING task met by a message: its create is still in flight, or its answer was kept in this message,
     * or it was lost with a crash.
     */
    void settle(VideoTask task, String upstreamId) {
        if (upstreamId != null) {
            record(task, upstreamId);
            return;
        }
        // The create may take its whole timeout, and its answer may then spend the record's retries in place: only
        // after both (and a margin) is a create with no recorded answer one whose outcome cannot be known. Ending it
        // sooner would fail a task that is being recorded as running that moment (the arrival's inline create and its
        // claim message meet here).
        long deadline = task.submitStartedMs() + settings.createTimeout().toMillis() + RECORD_WINDOW_MS + 5000;
        long now = clock.millis();
        if (now < deadline) {
            queue.send(TaskMessage.advance(task), secondsFor(deadline - now));
            return;
        }
        finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_SUBMIT_UNCERTAIN, "The gateway stopped while "
                + "creating this task upstream and cannot tell whether the upstream accepted it; it was not resubmitted, "
                + "to avoid running and billing it twice. Submit the request again."));
    }

    private void reschedule(VideoTask current, VideoTask.Builder change, int delaySeconds) {
        VideoTask next = change.dueMs(clock.millis() + delaySeconds * 1000L).build();
        try {
            store.transition(current, next);
        } catch (StaleTaskException e) {
            return;
        }
        queue.send(TaskMessage.advance(next), delaySeconds);
    }

    /** At least 2 s, at most a minute (throttling usually clears within one), ±20% jitter. */
    static int backoffSeconds(double seconds) {
        double base = Math.max(2, Math.min(MAX_BACKOFF_SECONDS, seconds));
        double jittered = base * (0.8 + 0.4 * Jitter.next());
        return (int) Math.max(1, Math.min(MAX_BACKOFF_SECONDS, Math.round(jittered)));
    }

    static int secondsFor(long ms) {
        return (int) Math.max(1, (ms + 999) / 1000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
