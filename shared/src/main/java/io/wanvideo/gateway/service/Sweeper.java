package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The periodic safety net, run on a `sweep` message every minute. It starts backlog tasks if slots are
 * free, re-enqueues slot holders whose message is long overdue (lost in a crash between a write and its
 * message), and fails tasks that have run upstream longer than the timeout. It only reads the backlog's
 * head and the slot holders, so its cost does not grow with the backlog.
 */
public final class Sweeper {
    private static final Logger LOG = LogManager.getLogger(Sweeper.class);

    private final TaskStore store;
    private final TaskQueue queue;
    private final TaskAdvancer advancer;
    private final PollerSettings settings;
    private final Clock clock;

    public Sweeper(TaskStore store, TaskQueue queue, TaskAdvancer advancer, PollerSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.advancer = advancer;
        this.settings = settings;
        this.clock = clock;
    }

    public record Report(int started, int requeued, int timedOut) {}

    public Report sweep() {
        return sweep(settings.orphanGrace());
    }

    /** @param grace how overdue a slot holder's message must be before the task counts as orphaned */
    public Report sweep(java.time.Duration grace) {
        int started = 0;
        int requeued = 0;
        int timedOut = 0;
        for (String pool : VideoModel.slotPools()) {
            for (String id : store.slotHolders(pool)) {
                VideoTask task = store.find(id).orElse(null);
                if (task == null || !task.state().holdsSlot()) {
                    continue;
                }
                long now = clock.millis();
                if (task.state() == TaskState.RUNNING && now - task.submittedMs() > settings.taskTimeout().toMillis()) {
                    advancer.finish(task, advancer.failed(task, TaskErrors.TIMEOUT, "The task ran upstream for more than "
                            + settings.taskTimeout().toMinutes() + " minutes (upstream task " + task.upstreamId() + ")."));
                    timedOut++;
                } else if (task.dueMs() != null && now - task.dueMs() >= grace.toMillis()) {
                    VideoTask next = task.next().dueMs(now).build();
                    try {
                        store.transition(task, next, settings.slotsPerPool());
                    } catch (StaleTaskException moved) {
                        continue;
                    }
                    LOG.warn("task {} ({}) had nothing moving it for {} s; re-enqueued", id, task.state(),
                            (now - task.dueMs()) / 1000);
                    queue.send(TaskMessage.advance(next), 0);
                    requeued++;
                }
            }
            started += advancer.slots().fill(pool, null);
        }
        if (started + requeued + timedOut > 0) {
            LOG.info("sweep: started {}, re-enqueued {}, timed out {}", started, requeued, timedOut);
        }
        return new Report(started, requeued, timedOut);
    }
}
