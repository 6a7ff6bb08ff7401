package io.wanvideo.gateway.service;

/**
 * Storing a new task failed in a way that leaves unknown whether it was stored. Repeating the request could
 * create a second task, unless an idempotency key makes the repeat safe; clients must be told which.
 */
public final class SubmitOutcomeUnknownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retrySafe;

    public SubmitOutcomeUnknownException(boolean retrySafe, Throwable cause) {
        super("the task may or may not have been stored", cause);
        this.retrySafe = retrySafe;
    }

    public boolean retrySafe() {
        return retrySafe;
    }
}
