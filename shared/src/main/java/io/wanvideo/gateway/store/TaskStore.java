package io.wanvideo.gateway.store;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoTask;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where tasks, the upstream slot counters and the fair-share counters live. Every change is conditional on the
 * version it was derived from, so duplicated or racing work can never apply twice or move a task backwards; and
 * every change that takes or gives back a slot, or moves a task into or out of its tenant's backlog, moves the
 * counters in the same transaction, so a crash can neither leak nor double-count anything.
 */
public interface TaskStore {
    /**
     * Stores a new queued task and counts it in its tenant's backlog, within the tenant's limits, claiming its
     * idempotency key if it has one, all in one transaction: refused, nothing is written.
     *
     * @throws QuotaExceededException      the tenant is at a limit
     * @throws IdempotencyKeyTakenException another request already holds the key
     */
    void create(VideoTask task, Admission admission);

    /** A strongly consistent read. */
    Optional<VideoTask> find(String id);

    /**
     * Replaces {@code current} with {@code next} if the stored version is still current's. A change that gives
     * back a slot (next holds none, current did: finished, or back to the backlog) moves the slot and fair-share
     * counters with it; one that takes a slot must go through {@link #claim}.
     *
     * @return next, as stored
     * @throws StaleTaskException the task changed since current was read
     */
    VideoTask transition(VideoTask current, VideoTask next);

    /**
     * Moves a queued task onto a slot of {@code next.account()} (DISPATCHING), counting the slot and the tenant's
     * running load in the same transaction.
     *
     * @param capacity   the account's slots for the task's pool; taking one beyond it fails
     * @param nextHeadMs submission time of the tenant's next waiting task, if known (keeps the tie-break exact)
     * @throws NoFreeSlotException the account's slots are all taken
     * @throws StaleTaskException  the task changed (another poller claimed it)
     */
    VideoTask claim(VideoTask queued, VideoTask next, int capacity, Long nextHeadMs);

    /** Removes a task that is still exactly as given, with whatever it counts; false if it has moved on. */
    boolean delete(VideoTask task);

    /** The oldest waiting tasks of one tenant in a pool, oldest first. Eventually consistent. */
    List<BacklogEntry> backlogHead(String pool, String tenant, int limit);

    /** Tenants with waiting tasks in a pool, the one owed the next slot first. Eventually consistent. */
    List<String> fairQueue(String pool, int limit);

    /** The exact counters of these tenants in a pool (strongly consistent). */
    List<FairShare> fairShares(String pool, Collection<String> tenants);

    /** Drops a tenant from the pool's fair queue if it has nothing waiting (harmless if it has). */
    void forgetIdleTenant(String pool, String tenant);

    /** Ids of every task holding a slot of an account in a pool. Eventually consistent. */
    List<String> slotHolders(String account, String pool);

    /**
     * Every task running upstream on an account (created there, its end not yet recorded), oldest submission first, as
     * much of each as watching it upstream needs. Eventually consistent. This default reads each slot holder; a store
     * that indexes running tasks answers in one query.
     */
    default List<RunningTask> runningOn(String account) {
        return VideoModel.slotPools().stream().flatMap(pool -> slotHolders(account, pool).stream()).map(this::find)
                .flatMap(Optional::stream).filter(t -> t.state() == TaskState.RUNNING && t.upstreamId() != null)
                .map(RunningTask::of).sorted(java.util.Comparator.comparingLong(RunningTask::submittedMs)).toList();
    }

    /**
     * Strongly consistent counts of the slots taken in a pool, per account asked about, and which of those accounts
     * are paused ({@link AccountStates}), in one read.
     */
    SlotCounts slotsInUse(String pool, Collection<String> accounts);

    /** The task a tenant's idempotency key was first used for, unless that claim has expired. */
    Optional<IdempotencyClaim> idempotencyClaim(String tenant, String keyHash);

    /** Ids of tasks whose after-completion work (result copy, webhook) is overdue before this time. */
    List<String> effectsDueBefore(long timeMs, int limit);

    /** A tenant's tasks by creation time, for GET /v1/videos: projected, without the request's media. */
    TaskPage listByTenant(String tenant, boolean newestFirst, int limit, VideoTask after);

    /**
     * Counts a task's end in the minute it ended, for its tenant and for the whole deployment (GET /v1/stats). Not
     * part of the end's own transaction, which it would slow with contention on one shared item: a crash between the
     * two loses a count, and nothing ever counts an end twice, since only the caller that recorded the end counts it.
     *
     * @param detectionDelayMs how long after the upstream ended the task the gateway saw it end; null when unknown
     */
    void countEnd(VideoTask terminal, Long detectionDelayMs);

    /**
     * The ends counted in these minutes, per pool; minutes and pools in which nothing ended are absent.
     *
     * @param tenant one tenant's ends; null: every tenant's
     */
    List<EndCounts> endCounts(String tenant, Collection<Long> minutes);
}
