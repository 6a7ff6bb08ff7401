package io.wanvideo.gateway.testing.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.validation.FormFieldTypes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A request tree as the openai SDK sends it to {@code videos.create} (shared/src/test/resources/forms/README.md): one
 * part per scalar, objects flattened to {@code name[key]}, arrays to {@code name[]}, every value a string, null and
 * empty containers not sent, line breaks as CRLF, and where asked, image data URIs as uploaded files.
 */
public final class SdkForms {
    /** One part as written: its header lines (each ending CRLF) and content. */
    public record Part(String name, String headers, byte[] content) {}

    /**
     * @param uploads how to send image data URIs at fields that take files: 0 as text, 1 as a file of its type,
     *                2 as a file of no stated type (application/octet-stream, as the SDK sends a stream)
     */
    public static List<Part> parts(JsonNode tree, int uploads) {
        List<Part> parts = new ArrayList<>();
        flatten(tree, "", "", uploads, parts);
        return parts;
    }

    public static String contentType(String boundary) {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The parts with their boundaries, closed or not. */
    public static byte[] body(List<Part> parts, String boundary, boolean closed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            out.writeBytes(("--" + boundary + "\r\n" + part.headers() + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        if (closed) {
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** A text part as the SDK writes it: its name escaped as undici escapes it, the value as CRLF text. */
    public static Part text(String name, String value) {
        String normalised = value.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
        return new Part(name, "Content-Disposition: form-data; name=\"" + escape(name) + "\"\r\n", JsonText.bytes(normalised));
    }

    public static Part file(String name, String filename, String contentType, byte[] content) {
        return new Part(name, "Content-Disposition: form-data; name=\"" + escape(name) + "\"; filename=\"" + escape(filename) + "\"\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n"), content);
    }

    static String escape(String name) {
        return name.replace("\"", "%22").replace("\r\n", "%0D%0A").replace("\r", "%0D").replace("\n", "%0A");
    }

    private static void flatten(JsonNode node, String name, String typePath, int uploads, List<Part> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                String key = member.getKey();
                flatten(member.getValue(), name.isEmpty() ? key : name + "[" + key + "]",
                        typePath.isEmpty() ? key : typePath + "." + key, uploads, out);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                flatten(element, name + "[]", typePath + "[]", uploads, out);
            }
        } else if (!node.isNull()) {
            String value = node.isTextual() ? node.textValue() : node.asText();
            Part upload = uploads > 0 && FormFieldTypes.of(typePath) == FormFieldTypes.FormFieldType.IMAGE ? upload(name, value, uploads) : null;
            out.add(upload != null ? upload : text(name, value));
        }
    }

    /** An image data URI as the file it encodes, or null when the value is no such URI. */
    private static Part upload(String name, String value, int uploads) {
        for (String type : List.of("png", "jpeg")) {
            String prefix = "data:image/" + type + ";base64,";
            if (value.startsWith(prefix)) {
                byte[] content;
                try {
                    content = Base64.getDecoder().decode(value.substring(prefix.length()));
                } catch (IllegalArgumentException notBase64) {
                    return null;
                }
                // Re-encoded it must be the same URI, else the gateway's data URI would differ from the one sent.
                if (!Base64.getEncoder().encodeToString(content).equals(value.substring(prefix.length()))) {
                    return null;
                }
                return file(name, "frame." + type, uploads == 1 ? "image/" + type : "application/octet-stream", content);
            }
        }
        return null;
    }

    private SdkForms() {}
}
