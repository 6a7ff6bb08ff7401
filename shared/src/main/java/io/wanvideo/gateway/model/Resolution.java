package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** Output resolution tier (the public `size`, the upstream `resolution`). */
public enum Resolution {
    P720("720P"),
    P1080("1080P");

    private final String wire;

    Resolution(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    static Resolution fromJson(String wire) {
        return parse(wire).orElseThrow(() -> new IllegalArgumentException("unknown resolution " + wire));
    }

    /** Case-insensitive on input. */
    public static Optional<Resolution> parse(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        for (Resolution r : values()) {
            if (r.wire.equals(upper)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
