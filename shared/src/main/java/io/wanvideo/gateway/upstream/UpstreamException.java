package io.wanvideo.gateway.upstream;

/** A call to the upstream that did not succeed, classified by what the caller may do next. */
public final class UpstreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** 429: over a rate or concurrency limit. Wait and try again; never a reason to fail a task. */
        THROTTLED,
        /** 408, 5xx, no connection: the call did not take effect. Try again with backoff. */
        TRANSIENT,
        /** Any other 4xx: this request will never succeed. */
        PERMANENT,
        /** A create was sent but no answer came back: it may or may not have taken effect. */
        UNCERTAIN
    }

    private final Kind kind;
    private final int httpStatus;
    private final String code;

    public UpstreamException(Kind kind, int httpStatus, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** 0 when no HTTP answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The upstream's error code (InvalidParameter, Throttling.RateQuota, ...) or null. */
    public String code() {
        return code;
    }
}
