package io.wanvideo.gateway.upstream;

/** A pushed completion event that is not one the account's provider sends: {@code field} says where it falls short. */
public final class UnreadableEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public UnreadableEventException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
