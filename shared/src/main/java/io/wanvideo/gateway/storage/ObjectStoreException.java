package io.wanvideo.gateway.storage;

/** An object-store operation that did not succeed, classified by whether trying again may help. */
public final class ObjectStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** A timeout, a 408, 429 or 5xx, a broken connection, throttling: the same call may succeed later. */
        TRANSIENT,
        /** The source is gone or refuses us for good (an expired URL), or the store refuses the request. */
        PERMANENT
    }

    private final Kind kind;

    public ObjectStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static ObjectStoreException permanent(String message, Throwable cause) {
        return new ObjectStoreException(Kind.PERMANENT, message, cause);
    }

    public static ObjectStoreException transientFailure(String message, Throwable cause) {
        return new ObjectStoreException(Kind.TRANSIENT, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.TRANSIENT;
    }
}
