package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamTask;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Ends tasks, for every path that ends one (a poll, a refused create, the sweep's deadlines, a dead letter).
 * The end is one write that also gives back the slot and records what must happen after it (the result copy,
 * the completion event): the task item is the outbox, so a crash after the write loses nothing. Then the steps
 * are queued and the freed slot goes to the next waiting task.
 */
public final class TaskFinisher {
    private static final Logger LOG = LogManager.getLogger(TaskFinisher.class);
    public static final String COPY_RESULT = "copy";
    public static final String DELIVER_WEBHOOK = "webhook";
    /** How far the upstream's clock may run ahead of ours before its end time is not believed. */
    private static final long CLOCK_SKEW_MS = 5_000;

    private final TaskStore store;
    private final TaskQueue queue;
    private final SlotScheduler scheduler;
    private final PriceTable prices;
    private final boolean copyResults;
    private final TaskObjects objects;
    private final PollerSettings settings;
    private final Clock clock;

    /**
     * @param copyResults whether completed videos are copied into the gateway's storage
     * @param objects     the task's stored inputs, removed once it has ended
     */
    public TaskFinisher(TaskStore store, TaskQueue queue, SlotScheduler scheduler, PriceTable prices, boolean copyResults,
            TaskObjects objects, PollerSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.scheduler = scheduler;
        this.prices = prices;
        this.copyResults = copyResults;
        this.objects = objects;
        this.settings = settings;
        this.clock = clock;
    }

    public SlotScheduler scheduler() {
        return scheduler;
    }

    /**
     * Records the terminal state, giving back the slot in the same transaction, then queues the after-completion
     * steps and starts the next task.
     *
     * @return whether this call recorded the end (false: someone else moved the task first)
     */
    public boolean finish(VideoTask current, VideoTask terminal) {
        return finish(current, terminal, null);
    }

    /**
     * As {@link #finish(VideoTask, VideoTask)}, for an end a poll saw.
     *
     * @param upstreamEndedMs when the upstream says the task ended, if it says: the end's detection delay counts from it
     */
    public boolean finish(VideoTask current, VideoTask terminal, Long upstreamEndedMs) {
        try {
            store.transition(current, terminal);
        } catch (StaleTaskException e) {
            return false;
        }
        if (terminal.state() == TaskState.COMPLETED) {
            Metrics.count(Metric.TASKS_COMPLETED, terminal.model().id());
            LOG.info("task {} completed after {} polls, {} ms after submission", terminal.id(), terminal.polls(),
                    terminal.completedMs() - terminal.createdMs());
        } else {
            Metrics.count(Metric.TASKS_FAILED, terminal.error().code());
            LOG.info("task {} failed: {} {}", terminal.id(), terminal.error().code(), terminal.error().message());
        }
        queueAfterCompletion(terminal);
        try {
            // The freed slot before the bookkeeping: the next task's start (and, in a handling, its create) waits on
            // nothing that is only kept for later.
            if (current.state().holdsSlot()) {
                scheduler.fill(terminal.pool(), null);
            }
        } finally {
            countEnd(terminal, upstreamEndedMs);
            // The upstream has fetched the inputs (or never will): they are not needed any more.
            objects.deleteInputs(terminal);
        }
        return true;
    }

    /**
     * Counts the end for GET /v1/stats. A statistic: its write failing must not fail the task's processing, which
     * has already recorded the end. An upstream end time that puts the end in the future, or more than the task's
     * timeout in the past, is not believed (clocks, or a zone DashScope does not state).
     */
    private void countEnd(VideoTask terminal, Long upstreamEndedMs) {
        Long delay = null;
        if (upstreamEndedMs != null && terminal.completedMs() != null) {
            long d = terminal.completedMs() - upstreamEndedMs;
            delay = d >= -CLOCK_SKEW_MS && d <= settings.taskTimeout().toMillis() ? Math.max(0, d) : null;
        }
        try {
            store.countEnd(terminal, delay);
        } catch (RuntimeException e) {
            LOG.warn("task {}: its end was not counted in the statistics: {}", terminal.id(), e.toString());
        }
    }

    /** Queues the pending after-completion steps of a finished task (also the sweep's way to resume lost ones). */
    public void queueAfterCompletion(VideoTask terminal) {
        if (terminal.result() != null && terminal.result().isPending()) {
            queue.send(TaskMessage.effect(terminal, COPY_RESULT), delay(terminal.result().nextAttemptMs()));
        }
        if (terminal.webhook() != null && terminal.webhook().isPending()) {
            queue.send(TaskMessage.effect(terminal, DELIVER_WEBHOOK), delay(terminal.webhook().nextAttemptMs()));
        }
    }

    private int delay(Long dueMs) {
        return dueMs == null ? 0 : (int) Math.max(0, (dueMs - clock.millis() + 999) / 1000);
    }

    public VideoTask failed(VideoTask task, String code, String message) {
        return failed(task, new TaskError(code, message));
    }

    public VideoTask failed(VideoTask task, TaskError error) {
        long now = clock.millis();
        return task.next().state(TaskState.FAILED).completedMs(now).error(error)
                .webhook(event(task, "video.failed", now)).build();
    }

    /** The completed task: its result, priced usage, and the copy and event still to do. */
    public VideoTask completed(VideoTask task, UpstreamTask view) {
        long now = clock.millis();
        return task.next().state(TaskState.COMPLETED).upstreamState(UpstreamState.SUCCEEDED).polls(task.polls() + 1)
                .completedMs(now).videoUrl(view.videoUrl())
                .videoExpiresMs(now + settings.videoUrlLifetime().toMillis())
                .usage(prices.priced(task.model(), task.spec().size(), view.usage()))
                .result(copyResults ? ResultCopy.pending(now) : null)
                .webhook(event(task, "video.completed", now)).build();
    }

    private static WebhookDelivery event(VideoTask task, String type, long nowMs) {
        String url = task.spec().webhookUrl();
        // One event per task, so the task id makes a stable event id for every delivery attempt.
        return url == null ? null : WebhookDelivery.pending(url, "evt_" + task.id().substring(task.id().indexOf('_') + 1),
                type, nowMs);
    }

    /**
     * Gives a slot holder's slot back and returns it to the backlog in its original place (its account was
     * paused before anything was created upstream), then offers the slot and the task to the pool again.
     */
    public void requeue(VideoTask holding, String why) {
        VideoTask queued = holding.next().state(TaskState.QUEUED).account(null).dispatchedMs(null).submitStartedMs(null)
                .attempts(0).dueMs(null).build();
        try {
            store.transition(holding, queued);
        } catch (StaleTaskException e) {
            return;
        }
        LOG.warn("task {} went back to the backlog: {}", holding.id(), why);
        scheduler.fill(holding.pool(), null);
    }
}
