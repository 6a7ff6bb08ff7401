package io.wanvideo.gateway.store;

/**
 * A rate limit shared by every poller instance: at most one call per interval for a key, spaced evenly,
 * so no window of a second ever sees more than the configured rate.
 */
public interface RateGate {
    /**
     * Takes the earliest free call slot of {@code key}, if it starts within {@code maxWaitMs}: the caller then calls
     * once {@link Slot#waitMs()} has passed, and no other caller gets that slot. Callers that arrive together are so
     * given one slot each, an interval apart, instead of racing for the next one again after every interval.
     *
     * @param maxWaitMs the furthest ahead a slot is taken; 0 takes only a slot free now
     */
    Slot reserve(String key, long intervalMs, long maxWaitMs);

    /**
     * @param taken  whether the slot is the caller's
     * @param waitMs how long until the slot starts: the caller's to wait before calling if taken; otherwise when the
     *               earliest slot frees (past the furthest the caller would wait)
     */
    record Slot(boolean taken, long waitMs) {}
}
