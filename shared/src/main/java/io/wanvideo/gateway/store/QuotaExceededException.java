package io.wanvideo.gateway.store;

/** A new task would take its tenant beyond one of its limits; nothing was written. */
public final class QuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Limit { WAITING, SUBMITS_PER_MINUTE }

    private final Limit limit;
    private final int retryAfterSeconds;

    public QuotaExceededException(Limit limit, int retryAfterSeconds) {
        super("tenant limit reached: " + limit, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Limit limit() {
        return limit;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
