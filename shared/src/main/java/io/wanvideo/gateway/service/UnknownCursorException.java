package io.wanvideo.gateway.service;

/** A list's `after` names no task of the tenant (deleted since, or never theirs). */
public final class UnknownCursorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String after;

    public UnknownCursorException(String after) {
        super("unknown cursor", null, false, false);
        this.after = after;
    }

    public String after() {
        return after;
    }
}
