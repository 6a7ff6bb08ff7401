package io.wanvideo.gateway.model;

/**
 * The copy of a completed task's video into the gateway's own storage, so it outlives the upstream's 24-hour
 * URL. Its own step with its own retries: a slow or failed copy never delays or fails the task.
 *
 * @param status        pending, copied or failed (gave up; the upstream URL still works until it expires)
 * @param key           the stored object, once copied
 * @param attempts      copy attempts so far
 * @param nextAttemptMs when the next attempt is due; null once copied or given up
 * @param error         why the last attempt failed
 */
public record ResultCopy(String status, String key, int attempts, Long nextAttemptMs, String error) {
    public static final String PENDING = "pending";
    public static final String COPIED = "copied";
    public static final String FAILED = "failed";

    public static ResultCopy pending(long nowMs) {
        return new ResultCopy(PENDING, null, 0, nowMs, null);
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }

    public boolean copied() {
        return COPIED.equals(status) && key != null;
    }
}
