package io.wanvideo.gateway.validation;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.model.MediaType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which media each model family takes, and in what combinations (spec/api.md, "Media items"). */
final class MediaRules {
    private MediaRules() {}

    /** Where an error about one item's type points: its `type` inside `media`, else the flat field itself. */
    static String typeParam(SourcedMedia m) {
        return m.param().startsWith("media[") ? m.param() + ".type" : m.param();
    }

    /**
     * @param setParam what an error about the set as a whole names: `media`, or the flat field the client used
     */
    static void r2v(List<SourcedMedia> media, String setParam) {
        long references = media.stream().filter(m -> m.item().type().isReference()).count();
        if (references == 0) {
            throw ApiError.mediaCombination(setParam, "wan2.7-r2v needs at least one reference_image or reference_video.");
        }
        if (references > VideoContract.MAX_REFERENCES) {
            throw ApiError.tooManyReferences(setParam, "wan2.7-r2v takes at most " + VideoContract.MAX_REFERENCES
                    + " reference_image and reference_video items in total; got " + references + ".");
        }
        int frames = 0;
        for (SourcedMedia m : media) {
            if (m.item().type() == MediaType.FIRST_FRAME && ++frames > 1) {
                throw ApiError.mediaCombination(typeParam(m), "At most one first_frame is accepted.");
            }
        }
    }

    static void i2v(List<SourcedMedia> media, String setParam) {
        Set<MediaType> seen = EnumSet.noneOf(MediaType.class);
        for (SourcedMedia m : media) {
            if (!seen.add(m.item().type())) {
                throw ApiError.mediaCombination(typeParam(m),
                        "Each media type may appear once; `" + m.item().type().wire() + "` is repeated.");
            }
        }
        if (!VideoContract.I2V_COMBINATIONS.contains(seen)) {
            String got = seen.isEmpty() ? "no media" : String.join(" + ", seen.stream().map(MediaType::wire).toList());
            throw ApiError.mediaCombination(setParam, "wan2.7-i2v accepts these media sets: " + combinations() + "; got "
                    + got + ".");
        }
    }

    static String combinations() {
        return VideoContract.I2V_COMBINATIONS.stream()
                .map(set -> set.stream().map(MediaType::wire).collect(Collectors.joining(" + ")))
                .collect(Collectors.joining("; "));
    }
}
