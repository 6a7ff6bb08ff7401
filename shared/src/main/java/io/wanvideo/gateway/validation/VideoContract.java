package io.wanvideo.gateway.validation;

import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.Resolution;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables of spec/api.md that the request rules are made of. The validator enforces them, and the model
 * catalogue (GET /v1/models) is generated from them, so the two can never disagree.
 */
public final class VideoContract {
    public static final int MAX_PROMPT_CHARS = 5000;
    public static final int MAX_NEGATIVE_PROMPT_CHARS = 500;
    public static final int MAX_REFERENCES = 5;
    public static final int MIN_SECONDS = 2;
    public static final int MAX_SECONDS = 15;
    public static final int MAX_SECONDS_WITH_REFERENCE_VIDEO = 10;
    public static final int DEFAULT_SECONDS = 5;
    public static final Resolution DEFAULT_SIZE = Resolution.P1080;
    public static final String DEFAULT_RATIO = "16:9";
    public static final List<String> RATIOS = List.of("16:9", "9:16", "1:1", "4:3", "3:4");
    public static final long MAX_SEED = Integer.MAX_VALUE;

    /** OpenAI's sizes: the resolution tier each is, and the aspect ratio it implies. */
    public record OpenAiSize(Resolution resolution, String ratio) {}

    public static final Map<String, OpenAiSize> OPENAI_SIZES = orderedSizes();

    private static Map<String, OpenAiSize> orderedSizes() {
        Map<String, OpenAiSize> sizes = new LinkedHashMap<>();
        sizes.put("1280x720", new OpenAiSize(Resolution.P720, "16:9"));
        sizes.put("720x1280", new OpenAiSize(Resolution.P720, "9:16"));
        sizes.put("1920x1080", new OpenAiSize(Resolution.P1080, "16:9"));
        sizes.put("1080x1920", new OpenAiSize(Resolution.P1080, "9:16"));
        return java.util.Collections.unmodifiableMap(sizes);
    }

    /** The media sets wan2.7-i2v accepts, in the order error messages and the catalogue list them. */
    public static final List<Set<MediaType>> I2V_COMBINATIONS = List.of(
            EnumSet.of(MediaType.FIRST_FRAME),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.DRIVING_AUDIO),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.LAST_FRAME),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.LAST_FRAME, MediaType.DRIVING_AUDIO),
            EnumSet.of(MediaType.FIRST_CLIP),
            EnumSet.of(MediaType.FIRST_CLIP, MediaType.LAST_FRAME));

    /** Request fields typed boolean or integer: a form's text values for them are read as such. */
    public static final Set<String> BOOLEAN_FIELDS = Set.of("prompt_extend", "watermark");
    public static final Set<String> INTEGER_FIELDS = Set.of("seed", "duration");

    private VideoContract() {}

    /** The media types a family takes, in the order they are listed to clients. */
    public static List<MediaType> mediaTypes(ModelFamily family) {
        return java.util.Arrays.stream(MediaType.values()).filter(t -> t.acceptedBy(family)).toList();
    }

    /** The longest video a request may ask for, given whether it has a reference video. */
    public static int maxSeconds(boolean referenceVideo) {
        return referenceVideo ? MAX_SECONDS_WITH_REFERENCE_VIDEO : MAX_SECONDS;
    }
}
