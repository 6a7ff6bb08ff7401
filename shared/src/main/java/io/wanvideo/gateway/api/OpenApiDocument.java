package io.wanvideo.gateway.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The OpenAPI document of the whole API, kept beside this class and served at GET /v1/openapi.json. */
public final class OpenApiDocument {
    private static volatile String text;

    private OpenApiDocument() {}

    public static String text() {
        if (text == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
                if (in == null) {
                    throw new IllegalStateException("openapi.json is missing from the jar");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }
}
