package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Follows a task running upstream to its end: waits for the account's query rate, asks, and either schedules the
 * next query (by the poll plan) or hands the end to the {@link TaskFinisher}. A failed query never fails a task.
 */
public final class RunningPolls {
    private static final Logger LOG = LogManager.getLogger(RunningPolls.class);
    private static final Duration TASK_ID_LIFETIME = Duration.ofHours(24);

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final CallGates gates;
    private final TaskFinisher finisher;
    private final AccountHealth health;
    private final GenerationTimeModel times;
    private final PollPlans plans;
    private final Clock clock;

    public RunningPolls(TaskStore store, TaskQueue queue, Upstreams upstreams, RateGate rates, TaskFinisher finisher,
            AccountHealth health, GenerationTimeModel times, PollPlans plans, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.gates = new CallGates(rates);
        this.finisher = finisher;
        this.health = health;
        this.times = times;
        this.plans = plans;
        this.clock = clock;
    }

    void poll(VideoTask task) {
        VideoUpstream upstream = upstreams.get(task.account());
        long wait = gates.acquire(upstream.queryGate());
        if (wait > 0) {
            reschedule(task, task.next(), Dispatcher.secondsFor(wait));
            return;
        }
        UpstreamTask view;
        try {
            view = upstream.query(task.upstreamId());
            Metrics.count(Metric.UPSTREAM_CALLS, "query", "ok");
        } catch (UpstreamException e) {
            UpstreamOutcomes.failed("query", e);
            if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
                finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_TASK_NOT_FOUND, "The upstream answered "
                        + "that task " + task.upstreamId() + " does not exist (" + e.getMessage() + ")."));
                return;
            }
            if (e.kind() == UpstreamException.Kind.ACCOUNT_UNUSABLE) {
                health.refused(task.account(), e);
            }
            // Throttling, 5xx, timeouts and key trouble pass; none of them is the task's fault.
            int backoff = Dispatcher.backoffSeconds(Math.pow(2, task.attempts()));
            LOG.warn("task {}: query {} ({}); next try in {} s", task.id(), e.kind(), e.getMessage(), backoff);
            reschedule(task, task.next().attempts(task.attempts() + 1), backoff);
            return;
        }
        applyView(task, view);
    }

    /** What a query (or a listing, or a dead letter's re-check) says about a running task, acted upon. */
    public void applyView(VideoTask task, UpstreamTask view) {
        switch (view.state()) {
            case SUCCEEDED -> {
                if (view.videoUrl() == null || view.videoUrl().isBlank()) {
                    finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_MISSING_RESULT,
                            "The upstream reported success without a video URL."));
                } else {
                    finisher.finish(task, finisher.completed(task, view), view.endedMs());
                }
            }
            case FAILED -> finisher.finish(task, finisher.failed(task, view.error()), view.endedMs());
            case CANCELLED -> finisher.finish(task, finisher.failed(task, TaskErrors.CANCELLED,
                    "The task was cancelled upstream."));
            case GONE -> finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_TASK_NOT_FOUND, gone(task)));
            case WAITING, RUNNING, UNRECOGNISED -> stillRunning(task, view);
        }
    }

    /** Say what happened: an expired id is normal after a day; one forgotten sooner is the upstream's loss. */
    private String gone(VideoTask task) {
        long age = clock.millis() - (task.submittedMs() == null ? task.createdMs() : task.submittedMs());
        if (age >= TASK_ID_LIFETIME.toMillis()) {
            return "The upstream no longer knows task " + task.upstreamId() + ": its task ids expire after 24 hours.";
        }
        return "The upstream answered that it does not know task " + task.upstreamId() + ", " + age / 1000
                + " s after accepting it: the upstream lost it.";
    }

    private void stillRunning(VideoTask task, UpstreamTask view) {
        long now = clock.millis();
        int shown = VideoObject.progress(task, now, times);
        long origin = view.state() == UpstreamState.WAITING ? now : task.runOriginMs();
        int polls = task.polls() + 1;
        int delay = plans.nextDelaySeconds(task, times.expected(task.spec()), (now - origin) / 1000.0, polls);
        if (view.state() == UpstreamState.UNRECOGNISED) {
            LOG.warn("task {}: unrecognised upstream status {}", task.id(), view.rawStatus());
        }
        reschedule(task, task.next().upstreamState(view.state()).runOriginMs(origin).polls(polls).attempts(0)
                .progressFloor(shown), delay);
    }

    /** Moves the task's next poll to {@code delaySeconds} from now (its account's watcher stood aside). */
    void pollAgainIn(VideoTask task, int delaySeconds) {
        reschedule(task, task.next(), delaySeconds);
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
}
