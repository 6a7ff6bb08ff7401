package io.wanvideo.gateway.upstream;

/** A call to the upstream that did not succeed, classified by what the caller may do next. */
public final class UpstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Over a rate or concurrency limit. Wait and try again; never a reason to fail a task. */
        THROTTLED,
        /** Timeout, server error, no connection: the call did not take effect. Try again with backoff. */
        TRANSIENT,
        /** This request will never succeed (the provider refused its content or parameters). */
        PERMANENT,
        /** A create was sent but no answer came back: it may or may not have taken effect. */
        UNCERTAIN,
        /**
         * The account cannot be used now (key invalid or revoked, access denied, in arrears). Not the task's
         * fault: the account is paused and its work goes elsewhere or waits.
         */
        ACCOUNT_UNUSABLE,
        /** The provider does not know the task. */
        NOT_FOUND,
        /** A cancel of a task that has already started. */
        NOT_CANCELLABLE,
        /**
         * The provider answered in a shape this client does not understand (its API changed, or something else
         * answered in its place). Asking again will not help until the client is updated.
         */
        UNRECOGNISED_ANSWER
    }

    private final Kind kind;
    private final String code;

    /**
     * @param code the provider's error code, kept for the task's error where it is the task's fault
     */
    public UpstreamException(Kind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's error code (InvalidParameter, DataInspectionFailed, ...) or null. */
    public String code() {
        return code;
    }
}
