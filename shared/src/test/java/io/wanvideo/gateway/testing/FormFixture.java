package io.wanvideo.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body the real openai npm SDK sent for {@code client.videos.create}, captured under
 * shared/src/test/resources/forms/ (see the README there), with the JSON tree it means.
 */
public record FormFixture(String name, String contentType, byte[] body) {
    public static Path directory() {
        return Path.of(Repository.path("shared/src/test/resources/forms"));
    }

    public static FormFixture load(String name) {
        try {
            return new FormFixture(name, Files.readString(directory().resolve(name + ".content-type")).trim(),
                    Files.readAllBytes(directory().resolve(name + ".form")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree a JSON client would send for the same request: what the form must decode to. */
    public JsonNode expectedTree() {
        try {
            return Json.tree(Files.readString(directory().resolve(name + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] file(String fileName) {
        try {
            return Files.readAllBytes(directory().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
