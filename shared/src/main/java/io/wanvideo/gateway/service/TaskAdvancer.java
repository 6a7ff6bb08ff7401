package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Moves a task one step, on a message from the poll queue, by handing it to the part that owns its state:
 *
 * <pre>
 * QUEUED              -> {@link SlotScheduler}: free slots go to the tenants owed them (this task if its turn came),
 *                        and those started are created at once ({@link ImmediateCreates})
 * DISPATCHING, SUBMITTING -> {@link Dispatcher}: create it upstream, exactly once
 * RUNNING             -> {@link RunningPolls}: query it, until {@link TaskFinisher} records its end
 * </pre>
 *
 * Every change is a conditional write on the task's version, and every message names the version it was
 * sent for, so a duplicated or redelivered message can never create an upstream task twice, release a slot
 * twice, or move a task backwards. Each write that leaves work to do is followed by one message; a crash
 * in between leaves a slot holder whose message is overdue, which the sweep re-enqueues.
 */
public final class TaskAdvancer {
    private static final Logger LOG = LogManager.getLogger(TaskAdvancer.class);

    private final TaskStore store;
    private final TaskQueue queue;
    private final SlotScheduler scheduler;
    private final Dispatcher dispatcher;
    private final RunningPolls polls;
    private final Clock clock;

    public TaskAdvancer(TaskStore store, TaskQueue queue, SlotScheduler scheduler, Dispatcher dispatcher,
            RunningPolls polls, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.polls = polls;
        this.clock = clock;
    }

    public void advance(TaskMessage message) {
        VideoTask task = store.find(message.taskId()).orElse(null);
        if (task == null) {
            LOG.debug("message for unknown (or deleted) task {}; dropped", message.taskId());
            return;
        }
        if (task.state().terminal()) {
            if (message.upstreamId() != null) {
                dispatcher.createdAfterTheEnd(task, message.upstreamId());
            }
            return;
        }
        if (task.state() == TaskState.QUEUED) {
            // Each task this arrival starts is created in this handling as soon as it has its slot (ImmediateCreates),
            // not behind whatever the queue holds before its message (a burst of submissions: hundreds of arrivals).
            scheduler.fill(task.pool(), task);
            return;
        }
        if (message.version() != null && message.version() != task.version() && !Dispatcher.isCreationOf(task, message)) {
            LOG.debug("stale message for task {} (version {}, now {}); dropped", task.id(), message.version(),
                    task.version());
            return;
        }
        long now = clock.millis();
        if (task.dueMs() != null && task.dueMs() - now > 1000 && message.upstreamId() == null) {
            // Delays longer than SQS allows arrive early: wait again.
            queue.send(TaskMessage.advance(task), Dispatcher.secondsFor(task.dueMs() - now));
            return;
        }
        switch (task.state()) {
            case DISPATCHING -> dispatcher.dispatch(task);
            case SUBMITTING -> dispatcher.settle(task, message.upstreamId());
            case RUNNING -> polls.poll(task);
            default -> throw new IllegalStateException("unexpected state " + task.state());
        }
    }
}
