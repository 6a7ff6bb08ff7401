package io.wanvideo.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A status, headers, and a body: an object to be written as JSON, or a {@link Raw} body written as it is.
 */
public record ApiResponse(int status, Object body, Map<String, String> headers) {
    /** A body that is not JSON of an object: a page, a script, a document served as it is. */
    public record Raw(String contentType, String text) {}

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, Map.of());
    }

    public static ApiResponse redirect(String location) {
        return new ApiResponse(302, null, Map.of("location", location, "cache-control", "no-store"));
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, Map.copyOf(more));
    }
}
