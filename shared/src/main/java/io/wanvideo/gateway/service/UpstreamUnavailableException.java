package io.wanvideo.gateway.service;

/** The upstream could not be asked right now (throttled, down, its account paused); retrying later may work. */
public final class UpstreamUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int retryAfterSeconds;

    public UpstreamUnavailableException(String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
