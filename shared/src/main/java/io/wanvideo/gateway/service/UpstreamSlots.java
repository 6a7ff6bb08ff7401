package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hands free upstream slots to the oldest tasks of the backlog. Called whenever a slot may have freed or
 * a task joined the backlog; never in a loop against a full pool. Each start is one transaction that
 * takes a slot and moves the task to DISPATCHING, then one message that makes the poller dispatch it.
 */
public final class UpstreamSlots {
    private static final Logger LOG = LogManager.getLogger(UpstreamSlots.class);

    private static final int BACKLOG_LOOKAHEAD = 10;

    private final TaskStore store;
    private final TaskQueue queue;
    private final Clock clock;
    private final int capacity;

    public UpstreamSlots(TaskStore store, TaskQueue queue, Clock clock, int capacity) {
        this.store = store;
        this.queue = queue;
        this.clock = clock;
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Starts backlog tasks of the pool, oldest first, while slots are free.
     *
     * @param arrived a task known to be queued (read consistently), considered with the backlog in case
     *                the backlog index has not caught up with it yet
     * @return how many tasks were started
     */
    public int fill(String pool, VideoTask arrived) {
        int started = 0;
        while (true) {
            int free = capacity - store.slotsInUse(pool);
            if (free <= 0) {
                return started;
            }
            List<VideoTask> candidates = candidates(pool, free, arrived);
            if (candidates.isEmpty()) {
                return started;
            }
            // Every candidate is either claimed here or was just claimed by a racing fill; either way the
            // backlog moved, so read its head again until the slots or the backlog run out.
            for (VideoTask task : candidates) {
                long now = clock.millis();
                VideoTask dispatching = task.next().state(TaskState.DISPATCHING).dispatchedMs(now).dueMs(now).build();
                try {
                    store.transition(task, dispatching, capacity);
                } catch (NoFreeSlotException full) {
                    return started;
                } catch (StaleTaskException moved) {
                    continue;
                }
                LOG.info("task {} took a {} slot after {} ms in the backlog", task.id(), pool, now - task.createdMs());
                queue.send(TaskMessage.advance(dispatching), 0);
                started++;
            }
            arrived = null;
        }
    }

    private List<VideoTask> candidates(String pool, int free, VideoTask arrived) {
        List<VideoTask> tasks = new ArrayList<>();
        // The index lags its table by a moment: read past the head so entries just claimed elsewhere, and
        // still listed, do not hide the tasks behind them.
        for (String id : store.backlogHead(pool, free + BACKLOG_LOOKAHEAD)) {
            if (arrived != null && arrived.id().equals(id)) {
                continue;
            }
            Optional<VideoTask> task = store.find(id);
            task.filter(t -> t.state() == TaskState.QUEUED).ifPresent(tasks::add);
        }
        if (arrived != null && arrived.state() == TaskState.QUEUED) {
            tasks.add(arrived);
        }
        tasks.sort(Comparator.comparing(VideoTask::backlogSeq));
        return tasks.size() > free ? tasks.subList(0, free) : tasks;
    }
}
