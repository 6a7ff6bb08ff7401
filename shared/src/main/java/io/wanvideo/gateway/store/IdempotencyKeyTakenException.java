package io.wanvideo.gateway.store;

/** The idempotency key of a new task is already held by an earlier request. */
public final class IdempotencyKeyTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyKeyTakenException() {
        super("idempotency key already claimed", null, false, false);
    }
}
