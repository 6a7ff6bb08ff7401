package io.wanvideo.gateway.store;

/**
 * A rate limit shared by every poller instance: at most one call per interval for a key, spaced evenly,
 * so no window of a second ever sees more than the configured rate.
 */
public interface RateGate {
    /**
     * Takes the next call slot of {@code key} if it is free now.
     *
     * @return 0 if the caller may call now; otherwise milliseconds until the next slot frees
     */
    long tryAcquire(String key, long intervalMs);
}
