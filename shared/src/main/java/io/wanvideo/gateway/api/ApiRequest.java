package io.wanvideo.gateway.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The parts of an API Gateway HTTP API (payload 2.0) request the gateway reads. */
public final class ApiRequest {
    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    public ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        if (event.getHeaders() != null) {
            headers.putAll(event.getHeaders());
        }
    }

    public String method() {
        var context = event.getRequestContext();
        String method = context != null && context.getHttp() != null ? context.getHttp().getMethod() : null;
        return method == null ? "GET" : method.toUpperCase(Locale.ROOT);
    }

    public String path() {
        String path = event.getRawPath();
        if (path == null && event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
            path = event.getRequestContext().getHttp().getPath();
        }
        return path == null ? "/" : path;
    }

    /** Case-insensitive, as HTTP headers are. */
    public String header(String name) {
        return headers.get(name);
    }

    /** A query parameter as API Gateway delivers it (repeated ones joined with commas), or null. */
    public String query(String name) {
        Map<String, String> params = event.getQueryStringParameters();
        return params == null ? null : params.get(name);
    }

    public String pathParameter(String name) {
        Map<String, String> params = event.getPathParameters();
        return params == null ? null : params.get(name);
    }

    /** The body as bytes, decoded if API Gateway delivered it base64-encoded. */
    public byte[] bodyBytes() {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiError.malformedJson("The request body could not be decoded.");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
