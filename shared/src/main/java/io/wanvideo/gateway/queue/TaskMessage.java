package io.wanvideo.gateway.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.wanvideo.gateway.model.VideoTask;

/**
 * A message on the poll queue.
 *
 * <p>{@code advance} moves one task a step. It carries the task version it was sent for: when the task
 * has moved on since, the message is a stale duplicate and is dropped, so duplicated deliveries never
 * multiply the chain of messages that drives a task. An advance may also carry the upstream id of a task whose
 * creation could not be recorded at once, so that the next delivery records it rather than losing it.
 *
 * <p>{@code fill} hands free slots of a pool to the backlog (a slot was freed outside the poller). {@code effect}
 * runs one after-completion step of a finished task (result copy, webhook). {@code sweep} is the periodic check
 * that starts backlog tasks, re-enqueues orphans, enforces deadlines and probes paused accounts. {@code recover}
 * is a sweep that treats every slot holder as orphaned at once: for a fresh, empty queue in front of a table that
 * outlived the old one (the local stack restarted with its data).
 *
 * <p>{@code watch} is one turn of an upstream account's completion watcher (service.CompletionWatcher): it names the
 * account, the chain's lease owner and, in {@code version}, the lease version it was sent for, so that a duplicate
 * finds the lease moved on and is dropped, as an advance finds its task moved on.
 *
 * <p>{@code event} is a completion event the upstream pushed (service.CompletionEvents): the account and the upstream
 * id of the task it says has ended. Its duplicates are harmless: the first finishes the task, the rest find it ended.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskMessage(
        @JsonProperty("kind") String kind,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("version") Long version,
        @JsonProperty("upstream_id") String upstreamId,
        @JsonProperty("pool") String pool,
        @JsonProperty("effect") String effect,
        @JsonProperty("account") String account,
        @JsonProperty("lease") String lease) {
    public static final String ADVANCE = "advance";
    public static final String FILL = "fill";
    public static final String EFFECT = "effect";
    public static final String SWEEP = "sweep";
    public static final String RECOVER = "recover";
    public static final String WATCH = "watch";
    public static final String EVENT = "event";

    public TaskMessage(String kind, String taskId, Long version) {
        this(kind, taskId, version, null, null, null);
    }

    public TaskMessage(String kind, String taskId, Long version, String upstreamId, String pool, String effect) {
        this(kind, taskId, version, upstreamId, pool, effect, null, null);
    }

    public static TaskMessage advance(VideoTask task) {
        return new TaskMessage(ADVANCE, task.id(), task.version());
    }

    /** An advance for a task created upstream as {@code upstreamId} whose RUNNING state is not recorded yet. */
    public static TaskMessage created(VideoTask submitting, String upstreamId) {
        return new TaskMessage(ADVANCE, submitting.id(), submitting.version(), upstreamId, null, null);
    }

    public static TaskMessage fill(String pool) {
        return new TaskMessage(FILL, null, null, null, pool, null);
    }

    public static TaskMessage effect(VideoTask task, String effect) {
        return new TaskMessage(EFFECT, task.id(), null, null, null, effect);
    }

    public static TaskMessage sweep() {
        return new TaskMessage(SWEEP, null, null);
    }

    public static TaskMessage recover() {
        return new TaskMessage(RECOVER, null, null);
    }

    /** A turn of the completion watcher of {@code account}, for version {@code leaseVersion} of the lease {@code owner} holds. */
    public static TaskMessage watch(String account, String owner, long leaseVersion) {
        return new TaskMessage(WATCH, null, leaseVersion, null, null, null, account, owner);
    }

    /** A completion event of {@code account}'s upstream: its task {@code upstreamId} has ended. */
    public static TaskMessage event(String account, String upstreamId) {
        return new TaskMessage(EVENT, null, null, upstreamId, null, null, account, null);
    }
}
