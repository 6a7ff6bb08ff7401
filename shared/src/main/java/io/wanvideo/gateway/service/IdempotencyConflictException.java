package io.wanvideo.gateway.service;

/** An idempotency key reused within its lifetime for a different request. */
public final class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConflictException(String why) {
        super(why, null, false, false);
    }
}
