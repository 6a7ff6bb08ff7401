package io.wanvideo.gateway.api;

/** A status and a body to be written as JSON. */
public record ApiResponse(int status, Object body) {
    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }
}
