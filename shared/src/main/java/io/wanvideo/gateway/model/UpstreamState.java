package io.wanvideo.gateway.model;

/**
 * Where a task stands at its provider, in the gateway's own words. Each upstream adapter maps its provider's
 * statuses onto these; the state machine never sees a provider's status strings.
 */
public enum UpstreamState {
    /** Accepted, not started yet (DashScope: PENDING). */
    WAITING,
    /** Generating. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Cancelled before it started. */
    CANCELLED,
    /** The provider no longer knows the task (expired, or never existed). */
    GONE,
    /** A status the adapter does not recognise: not terminal, polled on, shown as `unknown`. */
    UNRECOGNISED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == GONE;
    }
}
