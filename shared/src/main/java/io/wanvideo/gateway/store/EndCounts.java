package io.wanvideo.gateway.store;

import java.util.List;

/**
 * Tasks of one slot pool that ended in one minute, as {@link TaskStore#countEnd} counted them.
 *
 * @param minute           minutes since the epoch
 * @param detectionDelays  ends whose upstream end time is known, per bucket of {@link #DELAY_BUCKET_BOUNDS_MS}
 *                         (the last bucket has no upper bound)
 * @param detectionDelaySumMs the sum of those ends' detection delays
 */
public record EndCounts(long minute, String pool, long completed, long failed, long detectionDelaySumMs,
        List<Long> detectionDelays) {
    /** Upper bounds of the detection-delay buckets: up to 1 s, 2 s, 5 s, 10 s, 30 s, 60 s, 120 s, and beyond. */
    public static final List<Long> DELAY_BUCKET_BOUNDS_MS = List.of(1_000L, 2_000L, 5_000L, 10_000L, 30_000L, 60_000L,
            120_000L);

    public EndCounts {
        detectionDelays = List.copyOf(detectionDelays);
        if (detectionDelays.size() != DELAY_BUCKET_BOUNDS_MS.size() + 1) {
            throw new IllegalArgumentException("one count per detection-delay bucket");
        }
    }

    public static EndCounts none(long minute, String pool) {
        return new EndCounts(minute, pool, 0, 0, 0, java.util.Collections.nCopies(DELAY_BUCKET_BOUNDS_MS.size() + 1, 0L));
    }

    /** The bucket a detection delay falls in. */
    public static int bucketOf(long delayMs) {
        for (int i = 0; i < DELAY_BUCKET_BOUNDS_MS.size(); i++) {
            if (delayMs <= DELAY_BUCKET_BOUNDS_MS.get(i)) {
                return i;
            }
        }
        return DELAY_BUCKET_BOUNDS_MS.size();
    }

    public long detected() {
        return detectionDelays.stream().mapToLong(Long::longValue).sum();
    }

    /** Both minutes' counts together (same pool). */
    public EndCounts plus(EndCounts other) {
        List<Long> delays = new java.util.ArrayList<>(detectionDelays);
        for (int i = 0; i < delays.size(); i++) {
            delays.set(i, delays.get(i) + other.detectionDelays.get(i));
        }
        return new EndCounts(minute, pool, completed + other.completed, failed + other.failed,
                detectionDelaySumMs + other.detectionDelaySumMs, delays);
    }
}
