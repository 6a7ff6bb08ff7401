package io.wanvideo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The one way into a request body: JSON, or the multipart form the OpenAI SDKs send, both read into the same
 * JSON tree so one set of rules checks both. Anything else is 415.
 */
public final class RequestBodies {
    private RequestBodies() {}

    public static JsonNode read(ApiRequest request, int maxBytes) {
        String contentType = request.header("content-type");
        if (contentType == null || JsonBodies.isJson(contentType)) {
            return JsonBodies.read(request, maxBytes);
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals("multipart/form-data")) {
            return FormBodies.read(request, maxBytes);
        }
        throw ApiError.unsupportedMediaType("The body must be JSON (Content-Type: application/json) or a form "
                + "(Content-Type: multipart/form-data).");
    }
}
