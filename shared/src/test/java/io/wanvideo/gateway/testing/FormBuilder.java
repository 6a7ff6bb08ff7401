package io.wanvideo.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes multipart/form-data bodies for tests, part by part, as the SDKs lay them out (RFC 7578); it can also
 * write the broken ones a test needs.
 */
public final class FormBuilder {
    public static final String BOUNDARY = "----test-boundary-d1b3a7";
    public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public FormBuilder field(String name, String value) {
        return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n", value.getBytes(StandardCharsets.UTF_8));
    }

    public FormBuilder file(String name, String filename, String contentType, byte[] content) {
        return part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n"), content);
    }

    /** A part with these header lines (each ending CRLF) and content. */
    public FormBuilder part(String headers, byte[] content) {
        raw("--" + BOUNDARY + "\r\n" + headers + "\r\n");
        out.writeBytes(content);
        return raw("\r\n");
    }

    public FormBuilder raw(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The body with its closing boundary. */
    public byte[] build() {
        return raw("--" + BOUNDARY + "--\r\n").unclosed();
    }

    /** The body as written so far, without a closing boundary. */
    public byte[] unclosed() {
        return out.toByteArray();
    }
}
