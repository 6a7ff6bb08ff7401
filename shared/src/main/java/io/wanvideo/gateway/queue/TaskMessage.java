package io.wanvideo.gateway.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.wanvideo.gateway.model.VideoTask;

/**
 * A message on the poll queue.
 *
 * <p>{@code advance} moves one task a step. It carries the task version it was sent for: when the task
 * has moved on since, the message is a stale duplicate and is dropped, so duplicated deliveries never
 * multiply the chain of messages that drives a task.
 *
 * <p>{@code sweep} is the periodic check that starts backlog tasks, re-enqueues orphans and times out
 * stuck tasks. {@code recover} is a sweep that treats every slot holder as orphaned at once: for a fresh,
 * empty queue in front of a table that outlived the old one (the local stack restarted with its data).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskMessage(
        @JsonProperty("kind") String kind,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("version") Long version) {
    public static final String ADVANCE = "advance";
    public static final String SWEEP = "sweep";
    public static final String RECOVER = "recover";

    public static TaskMessage advance(VideoTask task) {
        return new TaskMessage(ADVANCE, task.id(), task.version());
    }

    public static TaskMessage sweep() {
        return new TaskMessage(SWEEP, null, null);
    }

    public static TaskMessage recover() {
        return new TaskMessage(RECOVER, null, null);
    }
}
