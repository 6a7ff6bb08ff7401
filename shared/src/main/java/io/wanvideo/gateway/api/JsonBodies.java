package io.wanvideo.gateway.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a JSON request body: size (413), encoding and syntax (400), in the API's words, never the parser's. */
public final class JsonBodies {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private JsonBodies() {}

    public static JsonNode read(ApiRequest request, int maxBytes) {
        String contentType = request.header("content-type");
        if (contentType != null && !isJson(contentType)) {
            throw ApiError.unsupportedMediaType("The body must be JSON: send Content-Type: application/json.");
        }
        byte[] bytes = request.bodyBytes();
        if (bytes.length > maxBytes) {
            throw ApiError.payloadTooLarge(null, "The body is " + bytes.length + " bytes; the limit is " + maxBytes + ".");
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
            throw ApiError.malformedJson(explain(e));
        }
    }

    static boolean isJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    /** What was wrong with the JSON, said for a client: where, and what, without the parser's own vocabulary. */
    static String explain(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            if (original.contains("nesting depth")) {
                return "The request body is nested too deeply" + where + "; at most 64 levels of arrays and objects are read.";
            }
            if (original.contains("Number value length")) {
                return "A number in the request body is too long" + where + ".";
            }
            return "A value in the request body is too long" + where + ".";
        }
        if (original.startsWith("Trailing token")) {
            return "The request body holds more than one JSON value: something follows the object" + where + ".";
        }
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.find()) {
            return "The field `" + ApiErrors.echo(duplicate.group(1)) + "` appears twice in one object" + where + ".";
        }
        if (original.contains("Non-standard token") || original.contains("NaN") || original.contains("Infinity")) {
            return "The request body is not valid JSON" + where + ": NaN and Infinity are not JSON numbers.";
        }
        if (original.startsWith("Unexpected end-of-input")) {
            return "The request body ends before its JSON does" + where + ".";
        }
        if (e instanceof JsonParseException && original.startsWith("Unexpected character")) {
            return "The request body is not valid JSON: an unexpected character" + where + ".";
        }
        return "The request body is not valid JSON" + where + ".";
    }
}
