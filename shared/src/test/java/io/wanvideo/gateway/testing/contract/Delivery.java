package io.wanvideo.gateway.testing.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * A body as it reaches the handler: its Content-Type (null: none), its bytes, whether API Gateway delivers it
 * base64-encoded, the tree it was made from (what a `param` may name; null when there is none) with any other
 * names the body holds, and what it must get.
 */
public record Delivery(String story, String contentType, byte[] body, boolean base64, JsonNode sent, Set<String> otherNames,
        Expectation expected) {
    /** The event's body string: base64 of the bytes, or the bytes as UTF-8 text. */
    public String eventBody() {
        return base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8);
    }

    /** Whether an error's {@code param} names something this body holds. */
    public boolean holds(String param, String code) {
        boolean absentLeaf = "missing_required_parameter".equals(code);
        return otherNames.stream().anyMatch(name -> name.equals(param) || ApiErrors.echo(name).equals(param))
                || (sent != null && JsonPaths.names(sent, param, absentLeaf))
                || (sent != null && isForm() && JsonPaths.namesAtSomePosition(sent, param, absentLeaf));
    }

    private boolean isForm() {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
    }

    @Override
    public String toString() {
        String text = new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8);
        return story + " | content-type " + contentType + (base64 ? " | base64" : "") + " | " + body.length + " bytes: "
                + text.replace("\r", "\\r").replace("\n", "\\n") + (body.length > 400 ? "..." : "") + " | expected " + expected;
    }
}
