package io.wanvideo.gateway.store;

/** Every upstream slot of the pool is taken. */
public final class NoFreeSlotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoFreeSlotException(String pool) {
        super("no free upstream slot in pool " + pool, null, false, false);
    }
}
