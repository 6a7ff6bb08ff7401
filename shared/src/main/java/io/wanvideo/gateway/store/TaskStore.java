package io.wanvideo.gateway.store;

import io.wanvideo.gateway.model.VideoTask;
import java.util.List;
import java.util.Optional;

/**
 * Where tasks and the upstream slot counters live. Every change is conditional on the version it was
 * derived from, so duplicated or racing work can never apply twice or move a task backwards.
 */
public interface TaskStore {
    /** Stores a new task. */
    void create(VideoTask task);

    /** A strongly consistent read. */
    Optional<VideoTask> find(String id);

    /**
     * Replaces {@code current} with {@code next} if the stored version is still current's. When the
     * change takes a slot (next holds one, current did not) or gives one back, the slot counter of the
     * task's pool moves in the same transaction, so a crash can neither leak nor double-count a slot.
     *
     * @param slotCapacity slots in the pool; taking one beyond it fails
     * @return next, as stored
     * @throws StaleTaskException  the task changed since current was read
     * @throws NoFreeSlotException next takes a slot and none is free
     */
    VideoTask transition(VideoTask current, VideoTask next, int slotCapacity);

    /** Removes a task that is still exactly as given; false if it has moved on. */
    boolean deleteIfUnchanged(VideoTask task);

    /** Ids of the oldest queued tasks of a pool, oldest first. Eventually consistent. */
    List<String> backlogHead(String slotPool, int limit);

    /** Ids of every task holding a slot in a pool. Eventually consistent. */
    List<String> slotHolders(String slotPool);

    /** A strongly consistent count of the slots taken in a pool. */
    int slotsInUse(String slotPool);
}
