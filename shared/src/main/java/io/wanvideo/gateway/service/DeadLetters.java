package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.upstream.Upstreams;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A message that kept failing lands in the dead-letter queue. Before its task is failed, its real state is
 * checked: a task running upstream is never failed here (it would still run and be billed, and its slot must
 * stay counted until its end is known): its upstream state is asked and acted upon, or it is simply queued
 * again. Only a task with nothing upstream (waiting, or about to be created) is failed with `internal_error`.
 * A dead message that the task has since moved past is ignored.
 */
public final class DeadLetters {
    private static final Logger LOG = LogManager.getLogger(DeadLetters.class);

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final TaskFinisher finisher;
    private final RunningPolls polls;
    private final Dispatcher dispatcher;
    private final AfterCompletion afterCompletion;

    public DeadLetters(TaskStore store, TaskQueue queue, Upstreams upstreams, TaskFinisher finisher, RunningPolls polls,
            Dispatcher dispatcher, AfterCompletion afterCompletion) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.finisher = finisher;
        this.polls = polls;
        this.dispatcher = dispatcher;
        this.afterCompletion = afterCompletion;
    }

    public void handle(TaskMessage message) {
        if (TaskMessage.EFFECT.equals(message.kind()) && message.taskId() != null && message.effect() != null) {
            // A step after the task's end that kept failing: given up, so the sweep does not re-send it forever.
            afterCompletion.abandon(message.taskId(), message.effect(), "its message failed the poller 5 times");
            return;
        }
        if (!TaskMessage.ADVANCE.equals(message.kind()) || message.taskId() == null) {
            LOG.warn("dead-lettered {} message ignored", message.kind());
            return;
        }
        VideoTask task = store.find(message.taskId()).orElse(null);
        if (task == null) {
            return;
        }
        if (task.state().terminal()) {
            if (message.upstreamId() != null) {
                dispatcher.createdAfterTheEnd(task, message.upstreamId());
            }
            return;
        }
        boolean current = task.state() == TaskState.QUEUED || message.version() == null
                || message.version() == task.version() || Dispatcher.isCreationOf(task, message);
        if (!current) {
            return;
        }
        switch (task.state()) {
            case RUNNING -> recheckRunning(task);
            case SUBMITTING -> dispatcher.settle(task, message.upstreamId());
            default -> {
                LOG.error("task {} failed: its message was dead-lettered in state {}", task.id(), task.state());
                finisher.finish(task, finisher.failed(task, TaskErrors.INTERNAL_ERROR, "The gateway failed repeatedly "
                        + "while processing this task and gave up before creating it upstream; nothing was billed. "
                        + "Submit the request again; if this persists, report task " + task.id() + "."));
            }
        }
    }

    private void recheckRunning(VideoTask task) {
        UpstreamTask view;
        try {
            view = upstreams.get(task.account()).query(task.upstreamId());
        } catch (UpstreamException e) {
            LOG.warn("dead-lettered task {} is running upstream as {} and could not be checked ({}); queued again",
                    task.id(), task.upstreamId(), e.getMessage());
            queue.send(TaskMessage.advance(task), 30);
            return;
        }
        LOG.warn("dead-lettered task {} is {} upstream; acting on that", task.id(), view.state());
        polls.applyView(task, view);
    }
}
