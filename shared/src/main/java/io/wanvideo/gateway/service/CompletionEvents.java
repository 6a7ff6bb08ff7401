package io.wanvideo.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.RunningTask;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UnreadableEventException;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Completion events the upstream pushes (README, "Completion events"): the task an event names is advanced at once,
 * as one a listing shows finished, through one query for its outcome. An event is a hint, never trusted as a result:
 * the query decides, so a forged, repeated or misread event costs at most that query, and only for a task of ours
 * that is running on that account.
 *
 * <p>Two halves, in two functions: {@link #receive} (the API edge's, submit) checks the event and queues it;
 * {@link #noticed} (the poller's) finds the task and asks about it.
 */
public final class CompletionEvents {
    private static final Logger LOG = LogManager.getLogger(CompletionEvents.class);

    /** Why an event was refused, as {@link Metric#COMPLETION_EVENTS_REFUSED} counts it. */
    public static final String REFUSED_TOKEN = "token";
    public static final String REFUSED_ACCOUNT = "account";
    public static final String REFUSED_UNREADABLE = "unreadable";

    private final TaskStore store;
    private final Upstreams upstreams;
    private final TaskQueue queue;
    private final RunningPolls polls;

    /** The receiving half: needs the accounts and the queue only. */
    public static CompletionEvents receiving(Upstreams upstreams, TaskQueue queue) {
        return new CompletionEvents(null, upstreams, queue, null);
    }

    CompletionEvents(TaskStore store, Upstreams upstreams, TaskQueue queue, RunningPolls polls) {
        this.store = store;
        this.upstreams = upstreams;
        this.queue = queue;
        this.polls = polls;
    }

    /**
     * An event pushed for {@code account}: queued for the poller when it names a task that has ended.
     *
     * @return the upstream task id queued, or empty for an event about a task still going
     * @throws UnknownAccountException when no such account is configured, or its provider pushes no events
     * @throws UnreadableEventException when the event is not one its provider sends
     */
    public Optional<String> receive(String account, JsonNode event) {
        VideoUpstream upstream = upstreams.find(account).filter(VideoUpstream::pushesCompletions).orElse(null);
        if (upstream == null) {
            refused(REFUSED_ACCOUNT);
            throw new UnknownAccountException(account);
        }
        Optional<String> ended;
        try {
            ended = upstream.endedTaskOf(event);
        } catch (UnreadableEventException e) {
            refused(REFUSED_UNREADABLE);
            throw e;
        }
        ended.ifPresent(id -> queue.send(TaskMessage.event(account, id), 0));
        Metrics.count(Metric.COMPLETION_EVENTS, account, ended.isPresent() ? "queued" : "not_ended");
        return ended;
    }

    /** Counts an event refused before it was read for a task ({@link Metric#COMPLETION_EVENTS_REFUSED}). */
    public static void refused(String reason) {
        Metrics.count(Metric.COMPLETION_EVENTS_REFUSED, reason);
    }

    /** The poller's half: the account's running task with this upstream id, if any, is asked about now. */
    void noticed(String account, String upstreamId) {
        if (account == null || upstreamId == null) {
            return;
        }
        RunningTask ours = store.runningOn(account).stream().filter(t -> upstreamId.equals(t.upstreamId())).findFirst()
                .orElse(null);
        VideoTask task = ours == null ? null : store.find(ours.taskId()).orElse(null);
        if (task == null || task.state() != TaskState.RUNNING || !upstreamId.equals(task.upstreamId())) {
            // Ended already (a duplicate, or its own poll or a listing came first), or not one of ours.
            LOG.debug("completion event for {} on account {}: no running task of ours; ignored", upstreamId, account);
            Metrics.count(Metric.COMPLETION_EVENTS, account, "not_running");
            return;
        }
        LOG.debug("task {}: completion event for {}", task.id(), upstreamId);
        Metrics.count(Metric.COMPLETION_EVENTS, account, "asked");
        polls.poll(task);
    }
}
