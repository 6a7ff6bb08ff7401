package io.wanvideo.gateway.api;

/** The `type` of a public error, one per HTTP status family of spec/api.md. */
public enum ErrorType {
    INVALID_REQUEST("invalid_request_error"),
    AUTHENTICATION("authentication_error"),
    NOT_FOUND("not_found_error"),
    RATE_LIMIT("rate_limit_error"),
    API("api_error");

    private final String wire;

    ErrorType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
