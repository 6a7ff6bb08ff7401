package io.wanvideo.gateway.store;

/**
 * What a new task must fit within, checked in the transaction that stores it.
 *
 * @param maxWaiting       tasks the tenant may have waiting in the task's pool, this one included
 * @param submitsPerMinute tasks the tenant may submit in one calendar minute
 * @param idempotency      the key to claim, or null
 */
public record Admission(int maxWaiting, int submitsPerMinute, IdempotencyClaim idempotency) {
    /** No limits and no key: for tools and tests that place tasks directly. */
    public static final Admission UNLIMITED = new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, null);
}
