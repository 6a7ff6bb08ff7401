package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The periodic safety net, run on a `sweep` message every minute. It enforces every state's deadline (README,
 * "Faults"), re-enqueues slot holders whose message is long overdue (lost in a crash between a write and its
 * message), resumes after-completion steps whose message was lost, probes paused accounts, and starts backlog
 * tasks if slots are free. It reads the slot holders, the fair queue's tenants and the heads of their backlogs,
 * never a whole backlog, so its cost does not grow with the number of waiting tasks.
 */
public final class Sweeper {
    private static final Logger LOG = LogManager.getLogger(Sweeper.class);
    private static final int TENANTS_CHECKED = 1000;
    private static final int EXPIRED_PER_TENANT = 25;
    private static final int EFFECTS_PER_SWEEP = 200;

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final TaskFinisher finisher;
    private final AccountHealth health;
    private final AccountStates accounts;
    private final PollerSettings settings;
    private final Clock clock;

    public Sweeper(TaskStore store, TaskQueue queue, Upstreams upstreams, TaskFinisher finisher, AccountHealth health,
            AccountStates accounts, PollerSettings settings, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.finisher = finisher;
        this.health = health;
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
    }

    public record Report(int started, int requeued, int timedOut, int expired, int effectsResumed, int accountsResumed) {}

    public Report sweep() {
        return sweep(settings.orphanGrace());
    }

    /** @param grace how overdue a message must be before its task counts as orphaned */
    public Report sweep(Duration grace) {
        return sweep(grace, false);
    }

    /**
     * The sweep for a fresh, empty queue in front of a table that outlived the old one (the local stack restarted
     * with its data): every slot holder's message is gone, including those not due yet (a poll planned for later, a
     * create in flight), so each is re-enqueued now rather than when its due time plus the grace has passed.
     */
    public Report recover() {
        return sweep(Duration.ZERO, true);
    }

    private Report sweep(Duration grace, boolean everySlotHolder) {
        int requeued = 0;
        int timedOut = 0;
        int expired = 0;
        Map<String, Backlog> backlogs = new LinkedHashMap<>();
        for (String pool : VideoModel.slotPools()) {
            for (VideoUpstream account : upstreams.all()) {
                for (String id : store.slotHolders(account.account(), pool)) {
                    VideoTask task = store.find(id).orElse(null);
                    if (task == null || !task.state().holdsSlot()) {
                        continue;
                    }
                    if (pastDeadline(task)) {
                        timedOut++;
                    } else if (everySlotHolder
                            || task.dueMs() != null && clock.millis() - task.dueMs() >= grace.toMillis()) {
                        requeued += reenqueue(task);
                    }
                }
            }
            Backlog backlog = readBacklog(pool);
            backlog.expired = expireBacklog(pool, backlog);
            expired += backlog.expired;
            backlogs.put(pool, backlog);
        }
        int effects = resumeEffects(grace);
        int resumed = health.probePaused().size();
        int started = 0;
        for (String pool : VideoModel.slotPools()) {
            Map<String, Integer> slots = new LinkedHashMap<>();
            upstreams.all().forEach(a -> slots.put(a.account(), a.limits().slotsPerPool()));
            accounts.recordCapacity(pool, slots);
            Backlog backlog = backlogs.get(pool);
            if (backlog.shares.stream().anyMatch(share -> share.waiting() > 0)) {
                // Nobody was waiting when the backlog was read: a task queued since has its own arrival to start it.
                backlog.started = finisher.scheduler().fill(pool, null).size();
                started += backlog.started;
            }
        }
        recordGauges(backlogs);
        Report report = new Report(started, requeued, timedOut, expired, effects, resumed);
        if (started + requeued + timedOut + expired + effects + resumed > 0) {
            LOG.info("sweep: {}", report);
        }
        return report;
    }

    /**
     * A pool's backlog as the sweep read it once, for expiry and then for the gauges: the fair-share items of the
     * tenants at the head of the fair queue (their waiting counts and oldest submissions), and what the sweep did to it.
     */
    private static final class Backlog {
        final List<FairShare> shares;
        final long cutoffMs;
        int expired;
        int started;

        Backlog(List<FairShare> shares, long cutoffMs) {
            this.shares = shares;
            this.cutoffMs = cutoffMs;
        }
    }

    private Backlog readBacklog(String pool) {
        long cutoff = clock.millis() - settings.queueTimeout().toMillis();
        List<String> tenants = store.fairQueue(pool, TENANTS_CHECKED);
        return new Backlog(tenants.isEmpty() ? List.of() : List.copyOf(store.fairShares(pool, tenants)), cutoff);
    }

    /**
     * The sweep's gauges (README, "Metrics"), from what it read anyway or cheaply: upstream slots taken per account
     * and pool; per pool the tasks waiting and how long the oldest has waited, from the backlog read before expiry
     * (less what the sweep expired and started; a task older than the queue deadline was just expired, so the age is
     * capped there); and paused accounts.
     */
    private void recordGauges(Map<String, Backlog> backlogs) {
        long now = clock.millis();
        List<String> names = upstreams.all().stream().map(VideoUpstream::account).toList();
        Set<String> paused = new HashSet<>();
        backlogs.forEach((pool, backlog) -> {
            var used = store.slotsInUse(pool, names);
            for (String account : names) {
                Metrics.value(Metric.SLOTS_IN_USE, used.of(account), account, pool);
            }
            paused.addAll(used.paused());
            long waiting = 0;
            Long oldest = null;
            for (FairShare share : backlog.shares) {
                waiting += Math.max(0, share.waiting());
                if (share.waiting() > 0 && share.headMs() != null && (oldest == null || share.headMs() < oldest)) {
                    oldest = Math.max(share.headMs(), backlog.cutoffMs);
                }
            }
            waiting = Math.max(0, waiting - backlog.expired - backlog.started);
            Metrics.value(Metric.BACKLOG_DEPTH, waiting, pool);
            Metrics.value(Metric.OLDEST_BACKLOG_AGE, oldest == null || waiting == 0 ? 0 : Math.max(0, now - oldest) / 1000.0, pool);
        });
        Metrics.value(Metric.ACCOUNTS_PAUSED, paused.size());
    }

    /** Ends a slot holder that has outlived its state's deadline. */
    private boolean pastDeadline(VideoTask task) {
        long now = clock.millis();
        if (task.state() == TaskState.RUNNING && now - task.submittedMs() > settings.taskTimeout().toMillis()) {
            return finisher.finish(task, finisher.failed(task, TaskErrors.TIMEOUT, "The task ran upstream for more than "
                    + settings.taskTimeout().toMinutes() + " minutes (upstream task " + task.upstreamId() + ")."));
        }
        if (task.state() == TaskState.DISPATCHING && now - task.dispatchedMs() > settings.dispatchTimeout().toMillis()) {
            return finisher.finish(task, finisher.failed(task, TaskErrors.UPSTREAM_UNAVAILABLE, "The upstream kept refusing "
                    + "or throttling the create call for " + settings.dispatchTimeout().toMinutes() + " minutes; nothing "
                    + "was created or billed. Submit the request again later."));
        }
        return false;
    }

    private int reenqueue(VideoTask task) {
        long now = clock.millis();
        VideoTask next = task.next().dueMs(now).build();
        try {
            store.transition(task, next);
        } catch (StaleTaskException moved) {
            return 0;
        }
        if (task.dueMs() != null && task.dueMs() > now) {
            LOG.info("task {} ({}, due in {} s) re-enqueued: its message went with the old queue", task.id(), task.state(),
                    (task.dueMs() - now) / 1000);
        } else {
            LOG.warn("task {} ({}) had nothing moving it for {} s; re-enqueued", task.id(), task.state(),
                    task.dueMs() == null ? "?" : (now - task.dueMs()) / 1000);
        }
        queue.send(TaskMessage.advance(next), 0);
        return 1;
    }

    /** Fails the backlog tasks that have waited past the queue deadline: only tenants whose oldest task is that old. */
    private int expireBacklog(String pool, Backlog backlog) {
        long cutoff = backlog.cutoffMs;
        int expired = 0;
        for (FairShare share : backlog.shares) {
            if (share.headMs() == null || share.headMs() >= cutoff) {
                continue;
            }
            for (BacklogEntry entry : store.backlogHead(pool, share.tenant(), EXPIRED_PER_TENANT)) {
                if (entry.createdMs() >= cutoff) {
                    break;
                }
                VideoTask task = store.find(entry.taskId()).orElse(null);
                if (task != null && task.state() == TaskState.QUEUED && finisher.finish(task, finisher.failed(task,
                        TaskErrors.QUEUE_TIMEOUT, "The task waited in the backlog for more than "
                                + settings.queueTimeout().toHours() + " hours without a free upstream slot; nothing was "
                                + "created or billed."))) {
                    expired++;
                }
            }
        }
        return expired;
    }

    /** After-completion steps whose message was lost (a crash between the end and the send) go out again. */
    private int resumeEffects(Duration grace) {
        int resumed = 0;
        for (String id : store.effectsDueBefore(clock.millis() - grace.toMillis(), EFFECTS_PER_SWEEP)) {
            VideoTask task = store.find(id).orElse(null);
            if (task != null && task.state().terminal()) {
                finisher.queueAfterCompletion(task);
                resumed++;
            }
        }
        return resumed;
    }
}
