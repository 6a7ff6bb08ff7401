package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The `type` of a media item, with the family that accepts it. */
public enum MediaType {
    REFERENCE_IMAGE("reference_image", ModelFamily.R2V, true),
    REFERENCE_VIDEO("reference_video", ModelFamily.R2V, false),
    FIRST_FRAME("first_frame", null, true),
    LAST_FRAME("last_frame", ModelFamily.I2V, true),
    DRIVING_AUDIO("driving_audio", ModelFamily.I2V, false),
    FIRST_CLIP("first_clip", ModelFamily.I2V, false);

    private final String wire;
    /** null: accepted by every family. */
    private final ModelFamily family;
    private final boolean image;

    MediaType(String wire, ModelFamily family, boolean image) {
        this.wire = wire;
        this.family = family;
        this.image = image;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public boolean acceptedBy(ModelFamily f) {
        return family == null || family == f;
    }

    /** Images may also arrive inline as base64 data URIs. */
    public boolean isImage() {
        return image;
    }

    /** Counts toward the five references of r2v. */
    public boolean isReference() {
        return this == REFERENCE_IMAGE || this == REFERENCE_VIDEO;
    }

    @JsonCreator
    static MediaType fromJson(String wire) {
        return byWire(wire).orElseThrow(() -> new IllegalArgumentException("unknown media type " + wire));
    }

    public static Optional<MediaType> byWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
