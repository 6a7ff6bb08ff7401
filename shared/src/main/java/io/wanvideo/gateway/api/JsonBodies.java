package io.wanvideo.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reads a JSON request body: media type (415), size (413), syntax (400). */
public final class JsonBodies {
    private JsonBodies() {}

    public static JsonNode read(ApiRequest request, int maxBytes) {
        String contentType = request.header("content-type");
        if (contentType != null && !isJson(contentType)) {
            throw ApiError.unsupportedMediaType("The body must be JSON: send Content-Type: application/json.");
        }
        byte[] bytes = request.bodyBytes();
        if (bytes.length > maxBytes) {
            throw ApiError.payloadTooLarge(null,
                    "The body is " + bytes.length + " bytes; the limit is " + maxBytes + ".");
        }
        if (bytes.length == 0) {
            throw ApiError.malformedJson("The request body is empty; send a JSON object.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.malformedJson("The request body is not valid UTF-8.");
        }
        try {
            return Json.tree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.malformedJson("The request body is not valid JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    private static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
