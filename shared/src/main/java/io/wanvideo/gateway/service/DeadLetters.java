package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.TaskStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A message that kept failing lands in the dead-letter queue; its task is failed with a clear error
 * instead of sitting queued forever. A dead message that the task has since moved past is ignored.
 */
public final class DeadLetters {
    private static final Logger LOG = LogManager.getLogger(DeadLetters.class);

    private final TaskStore store;
    private final TaskAdvancer advancer;

    public DeadLetters(TaskStore store, TaskAdvancer advancer) {
        this.store = store;
        this.advancer = advancer;
    }

    public void handle(TaskMessage message) {
        if (!TaskMessage.ADVANCE.equals(message.kind()) || message.taskId() == null) {
            LOG.warn("dead-lettered {} message ignored", message.kind());
            return;
        }
        VideoTask task = store.find(message.taskId()).orElse(null);
        if (task == null || task.state().terminal()) {
            return;
        }
        boolean current = task.state() == TaskState.QUEUED || message.version() == null
                || message.version() == task.version();
        if (!current) {
            return;
        }
        LOG.error("task {} failed: its message was dead-lettered in state {}", task.id(), task.state());
        advancer.finish(task, advancer.failed(task, TaskErrors.INTERNAL_ERROR, "The gateway failed repeatedly while "
                + "processing this task and gave up. Submit the request again; if this persists, report task "
                + task.id() + "."));
    }
}
