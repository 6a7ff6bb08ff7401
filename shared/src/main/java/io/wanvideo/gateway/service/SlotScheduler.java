package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.SlotCounts;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Hands free upstream slots to waiting tasks. Called whenever a slot may have freed or a task joined the
 * backlog; never in a loop against a full pool.
 *
 * <p>How a slot is chosen (README, "Design"): among the accounts that are not paused, the one with the most free
 * slots in the pool takes the task. The task comes from the tenant owed the slot: the fewest running tasks in
 * the pool, weighed by the tenant's weight, and among equals the tenant whose oldest waiting task is oldest;
 * within a tenant, first come first served. The fair-queue index gives that tenant at its head, so a choice
 * reads a handful of items however long the backlog is. Each start is one transaction that takes the slot,
 * counts the tenant's load and moves the task to DISPATCHING, then one message that makes the poller create it;
 * within a poll-queue message's handling the task is created there and then, the message staying the durable trigger.
 */
public final class SlotScheduler {
    private static final Logger LOG = LogManager.getLogger(SlotScheduler.class);
    /** Tenants read from the head of the fair queue per choice; the index lags its table by a moment. */
    private static final int TENANT_LOOKAHEAD = 5;
    /**
     * Backlog entries read per tenant: a few, to see past entries other fills have just claimed; then, if every one of
     * them was taken, once more, further.
     */
    private static final int[] BACKLOG_WINDOWS = {4, 20};
    /** A tenant's submission order: first come first served, ties broken by id. */
    private static final Comparator<BacklogEntry> BY_SUBMISSION =
            Comparator.comparingLong(BacklogEntry::createdMs).thenComparing(BacklogEntry::taskId);

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final Clock clock;
    private final ImmediateCreates creates;

    /** @param creates where each task that takes a slot goes next: created at once, within a poll-queue handling */
    SlotScheduler(TaskStore store, TaskQueue queue, Upstreams upstreams, Clock clock, ImmediateCreates creates) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.clock = clock;
        this.creates = creates;
    }

    /**
     * Starts waiting tasks of the pool while slots are free, each created upstream as soon as it took its slot, before
     * the next is chosen, when this runs within a poll-queue message's handling ({@link ImmediateCreates}).
     *
     * @param arrived a task known to be queued (read consistently), considered in case the indexes have not
     *                caught up with it yet
     * @return the tasks started, each DISPATCHING with its message sent, or already further on
     */
    public List<VideoTask> fill(String pool, VideoTask arrived) {
        List<VideoTask> started = new ArrayList<>();
        while (true) {
            List<VideoUpstream> free = accountsWithFreeSlots(pool);
            VideoTask one = free.isEmpty() ? null : startOne(pool, free, arrived);
            if (one == null) {
                return started;
            }
            started.add(one);
        }
    }

    /** Accounts not paused that have a free slot in the pool, the emptiest first (it spreads calls over keys). */
    private List<VideoUpstream> accountsWithFreeSlots(String pool) {
        List<VideoUpstream> all = upstreams.all();
        SlotCounts used = store.slotsInUse(pool, all.stream().map(VideoUpstream::account).toList());
        return all.stream()
                .filter(a -> !used.paused(a.account()))
                .filter(a -> used.of(a.account()) < a.limits().slotsPerPool())
                .sorted(Comparator.comparingInt((VideoUpstream a) -> used.of(a.account()) - a.limits().slotsPerPool()))
                .toList();
    }

    private static BacklogEntry arrivedEntry(VideoTask arrived) {
        return new BacklogEntry(arrived.id(), arrived.createdMs());
    }

    /** @return the task that took a slot, or null if none did */
    private VideoTask startOne(String pool, List<VideoUpstream> free, VideoTask arrived) {
        Set<String> tenants = new LinkedHashSet<>(store.fairQueue(pool, TENANT_LOOKAHEAD));
        boolean arrivedWaits = arrived != null && arrived.state() == TaskState.QUEUED && arrived.pool().equals(pool);
        if (arrivedWaits) {
            tenants.add(arrived.tenant());
        }
        if (tenants.isEmpty()) {
            return null;
        }
        List<FairShare> shares = new ArrayList<>(store.fairShares(pool, tenants));
        shares.removeIf(s -> s.waiting() <= 0);
        shares.sort(Comparator.comparingLong(FairShare::fairKey).thenComparing(FairShare::tenant));
        for (FairShare share : shares) {
            boolean arrivedHere = arrivedWaits && arrived.tenant().equals(share.tenant());
            Set<String> read = new HashSet<>();
            for (int window : BACKLOG_WINDOWS) {
                List<BacklogEntry> entries = new ArrayList<>(store.backlogHead(pool, share.tenant(), window));
                boolean full = entries.size() >= window;
                if (arrivedHere && entries.stream().noneMatch(e -> e.taskId().equals(arrived.id()))
                        && (!full || BY_SUBMISSION.compare(arrivedEntry(arrived), entries.get(entries.size() - 1)) < 0)) {
                    // The index may not show the arrival yet. Only where it falls inside what the index showed: past a
                    // full window, older tasks the window did not reach come first.
                    entries.add(arrivedEntry(arrived));
                    entries.sort(BY_SUBMISSION);
                }
                for (int i = 0; i < entries.size(); i++) {
                    if (!read.add(entries.get(i).taskId())) {
                        continue;
                    }
                    VideoTask task = store.find(entries.get(i).taskId()).orElse(null);
                    if (task == null || task.state() != TaskState.QUEUED) {
                        continue;
                    }
                    Long nextHead = i + 1 < entries.size() ? entries.get(i + 1).createdMs() : null;
                    VideoUpstream account = free.get(0);
                    long now = clock.millis();
                    VideoTask dispatching = task.next().state(TaskState.DISPATCHING).account(account.account())
                            .dispatchedMs(now).dueMs(now).attempts(0).build();
                    try {
                        store.claim(task, dispatching, account.limits().slotsPerPool(), nextHead);
                    } catch (NoFreeSlotException noSlot) {
                        // Another poller took the account's last slot first: look at the accounts again.
                        List<VideoUpstream> again = accountsWithFreeSlots(pool);
                        return again.isEmpty() ? null : startOne(pool, again, arrived);
                    } catch (StaleTaskException moved) {
                        continue;
                    }
                    Metrics.value(Metric.QUEUE_WAIT, now - task.createdMs(), pool);
                    LOG.info("task {} of {} took a {} slot on account {} after {} ms waiting", task.id(), task.tenant(), pool,
                            account.account(), now - task.createdMs());
                    boolean atOnce = creates.mayCreate();
                    queue.send(TaskMessage.advance(dispatching), atOnce ? ImmediateCreates.TRIGGER_DELAY_SECONDS : 0);
                    if (atOnce) {
                        creates.create(dispatching);
                    }
                    return dispatching;
                }
                if (entries.isEmpty()) {
                    // Counted as waiting but nothing listed: either the index lags, or the tenant's backlog just emptied.
                    store.forgetIdleTenant(pool, share.tenant());
                }
                if (!full) {
                    break;
                }
                // A full window, every task in it already taken by other fills (a burst: the index lags their claims):
                // the tenant's next waiting tasks are further on; one wider read finds them.
            }
        }
        return null;
    }
}
