package io.wanvideo.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The rules of spec/api.md for POST /v1/videos, in one place. Turns a parsed JSON body into a
 * {@link VideoSpec} or throws the first {@link ApiError} found, naming the field with a JSON path.
 *
 * <p>Checks run in a fixed order (model, unknown fields, form, text, media, size, ratio, seconds,
 * flags, seed) so the error a client sees for a given body is stable.
 */
public final class VideoRequestValidator {
    public static final int MAX_PROMPT_CHARS = 5000;
    public static final int MAX_NEGATIVE_PROMPT_CHARS = 500;
    public static final int MAX_REFERENCES = 5;
    public static final int MIN_SECONDS = 2;
    public static final int MAX_SECONDS = 15;
    public static final int MAX_SECONDS_WITH_REFERENCE_VIDEO = 10;
    public static final int DEFAULT_SECONDS = 5;
    public static final String DEFAULT_RATIO = "16:9";
    public static final List<String> RATIOS = List.of("16:9", "9:16", "1:1", "4:3", "3:4");

    private static final Set<String> CANONICAL_FIELDS = Set.of("model", "prompt", "negative_prompt", "media", "size",
            "ratio", "seconds", "prompt_extend", "watermark", "seed");
    /** Seed 001's flat form of the r2v form schema. */
    private static final List<String> FLAT_MEDIA_FIELDS =
            List.of("reference_image", "reference_video", "reference_voice", "first_frame");
    private static final Set<String> ALIASES = Set.of("resolution", "duration");
    private static final Set<String> MEDIA_ITEM_FIELDS = Set.of("type", "url", "reference_voice");

    /** The media sets wan2.7-i2v accepts, in the order the error message lists them. */
    private static final List<Set<MediaType>> I2V_COMBINATIONS = List.of(
            EnumSet.of(MediaType.FIRST_FRAME),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.DRIVING_AUDIO),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.LAST_FRAME),
            EnumSet.of(MediaType.FIRST_FRAME, MediaType.LAST_FRAME, MediaType.DRIVING_AUDIO),
            EnumSet.of(MediaType.FIRST_CLIP),
            EnumSet.of(MediaType.FIRST_CLIP, MediaType.LAST_FRAME));
    private static final String I2V_COMBINATIONS_TEXT = "first_frame; first_frame + driving_audio; "
            + "first_frame + last_frame; first_frame + last_frame + driving_audio; first_clip; first_clip + last_frame";

    public VideoSpec validate(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalidType(null, "The request body must be a JSON object.");
        }
        VideoModel model = model(body);
        ModelFamily family = model.family();
        rejectUnknownFields(body);

        boolean flatForm = FLAT_MEDIA_FIELDS.stream().anyMatch(f -> present(body, f));
        if (flatForm) {
            String flatField = FLAT_MEDIA_FIELDS.stream().filter(f -> present(body, f)).findFirst().orElseThrow();
            if (family != ModelFamily.R2V) {
                throw ApiError.unsupportedParameter(flatField, "The top-level `" + flatField + "` field is the "
                        + "wan2.7-r2v compatibility form; for " + model.id() + " put every input in `media`.");
            }
            if (present(body, "media")) {
                throw ApiError.conflictingParameters(flatField, "Give the inputs either in `media` or in the "
                        + "top-level `" + flatField + "` form, not both.");
            }
        }
        rejectAliasWithCanonical(body, "resolution", "size");
        rejectAliasWithCanonical(body, "duration", "seconds");

        String prompt = text(body, "prompt", MAX_PROMPT_CHARS);
        if (family == ModelFamily.R2V) {
            if (prompt == null) {
                throw ApiError.missing("prompt", "`prompt` is required for " + model.id() + ".");
            }
            if (prompt.isBlank()) {
                throw ApiError.invalidValue("prompt", "`prompt` must not be blank.");
            }
        } else if (prompt != null && prompt.isBlank()) {
            prompt = null;
        }
        String negativePrompt = text(body, "negative_prompt", MAX_NEGATIVE_PROMPT_CHARS);
        if (negativePrompt != null && negativePrompt.isBlank()) {
            negativePrompt = null;
        }

        List<MediaItem> media = flatForm ? flatMedia(body) : media(body, family);
        if (family == ModelFamily.R2V) {
            checkR2vMedia(media, flatForm);
        } else {
            checkI2vMedia(media);
        }

        Resolution size = size(body);
        String ratio = ratio(body, model, media);
        int seconds = seconds(body, media);
        boolean promptExtend = bool(body, "prompt_extend", true);
        boolean watermark = bool(body, "watermark", false);
        Long seed = seed(body);
        return new VideoSpec(model, prompt, negativePrompt, media, size, ratio, seconds, promptExtend, watermark, seed);
    }

    private static VideoModel model(JsonNode body) {
        JsonNode node = body.get("model");
        if (absent(node)) {
            throw ApiError.missing("model", "`model` is required: one of " + VideoModel.idList() + ".");
        }
        if (!node.isTextual()) {
            throw ApiError.invalidType("model", "`model` must be a string: one of " + VideoModel.idList() + ".");
        }
        return VideoModel.byId(node.textValue()).orElseThrow(() -> ApiError.invalidValue("model",
                "Unknown model '" + node.textValue() + "': use one of " + VideoModel.idList() + "."));
    }

    private static void rejectUnknownFields(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!CANONICAL_FIELDS.contains(name) && !FLAT_MEDIA_FIELDS.contains(name) && !ALIASES.contains(name)) {
                throw ApiError.unknownParameter(name, "Unknown parameter: `" + name + "`.");
            }
        }
    }

    private static void rejectAliasWithCanonical(JsonNode body, String alias, String canonical) {
        if (present(body, alias) && present(body, canonical)) {
            throw ApiError.conflictingParameters(alias,
                    "`" + alias + "` is an alias of `" + canonical + "`; give only one of them.");
        }
    }

    /** An optional string of at most max Unicode code points; null when absent. */
    private static String text(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.invalidType(field, "`" + field + "` must be a string.");
        }
        String value = node.textValue();
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            throw ApiError.invalidValue(field,
                    "`" + field + "` is " + length + " characters long; the limit is " + max + ".");
        }
        return value;
    }

    private static List<MediaItem> media(JsonNode body, ModelFamily family) {
        JsonNode node = body.get("media");
        if (absent(node)) {
            throw ApiError.missing("media", "`media` is required: an array of {\"type\", \"url\"} items.");
        }
        if (!node.isArray()) {
            throw ApiError.invalidType("media", "`media` must be an array of {\"type\", \"url\"} items.");
        }
        List<MediaItem> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(mediaItem(node.get(i), "media[" + i + "]", family));
        }
        return items;
    }

    private static MediaItem mediaItem(JsonNode item, String path, ModelFamily family) {
        if (!item.isObject()) {
            throw ApiError.invalidType(path, "`" + path + "` must be an object with `type` and `url`.");
        }
        for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!MEDIA_ITEM_FIELDS.contains(name)) {
                throw ApiError.unknownParameter(path + "." + name, "Unknown parameter: `" + path + "." + name + "`.");
            }
        }
        JsonNode typeNode = item.get("type");
        if (absent(typeNode)) {
            throw ApiError.missing(path + ".type", "`" + path + ".type` is required.");
        }
        if (!typeNode.isTextual()) {
            throw ApiError.invalidType(path + ".type", "`" + path + ".type` must be a string.");
        }
        String accepted = family == ModelFamily.R2V
                ? "reference_image, reference_video, first_frame"
                : "first_frame, last_frame, driving_audio, first_clip";
        MediaType type = MediaType.byWire(typeNode.textValue())
                .filter(t -> t.acceptedBy(family))
                .orElseThrow(() -> ApiError.invalidValue(path + ".type", "Media type '" + typeNode.textValue()
                        + "' is not accepted here; use one of " + accepted + "."));
        JsonNode urlNode = item.get("url");
        if (absent(urlNode)) {
            throw ApiError.missing(path + ".url", "`" + path + ".url` is required.");
        }
        if (!urlNode.isTextual()) {
            throw ApiError.invalidType(path + ".url", "`" + path + ".url` must be a string.");
        }
        String url = MediaUrls.check(urlNode.textValue(), type.isImage(), path + ".url");
        String voice = null;
        JsonNode voiceNode = item.get("reference_voice");
        if (!absent(voiceNode)) {
            String voicePath = path + ".reference_voice";
            if (!type.isReference()) {
                throw ApiError.unsupportedParameter(voicePath,
                        "`reference_voice` is accepted only on reference_image and reference_video items.");
            }
            if (!voiceNode.isTextual()) {
                throw ApiError.invalidType(voicePath, "`" + voicePath + "` must be a string.");
            }
            voice = MediaUrls.check(voiceNode.textValue(), false, voicePath);
        }
        return new MediaItem(type, url, voice);
    }

    /** Seed 001's flat fields, normalised to media: images, then videos, then the first frame. */
    private static List<MediaItem> flatMedia(JsonNode body) {
        List<MediaItem> items = new ArrayList<>();
        for (String url : urlList(body, "reference_image", true)) {
            items.add(new MediaItem(MediaType.REFERENCE_IMAGE, url, null));
        }
        for (String url : urlList(body, "reference_video", false)) {
            items.add(new MediaItem(MediaType.REFERENCE_VIDEO, url, null));
        }
        JsonNode voiceNode = body.get("reference_voice");
        if (!absent(voiceNode)) {
            if (!voiceNode.isTextual()) {
                throw ApiError.invalidType("reference_voice", "`reference_voice` must be a string.");
            }
            String voice = MediaUrls.check(voiceNode.textValue(), false, "reference_voice");
            if (items.isEmpty()) {
                throw ApiError.mediaCombination("reference_voice",
                        "`reference_voice` is the voice of the first reference; give a reference_image or reference_video.");
            }
            MediaItem first = items.get(0);
            items.set(0, new MediaItem(first.type(), first.url(), voice));
        }
        JsonNode frame = body.get("first_frame");
        if (!absent(frame)) {
            if (!frame.isTextual()) {
                throw ApiError.invalidType("first_frame", "`first_frame` must be a string.");
            }
            items.add(new MediaItem(MediaType.FIRST_FRAME, MediaUrls.check(frame.textValue(), true, "first_frame"), null));
        }
        return items;
    }

    private static List<String> urlList(JsonNode body, String field, boolean image) {
        JsonNode node = body.get(field);
        if (absent(node)) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(MediaUrls.check(node.textValue(), image, field));
        }
        if (!node.isArray()) {
            throw ApiError.invalidType(field, "`" + field + "` must be a URL string or an array of them.");
        }
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw ApiError.invalidType(path, "`" + path + "` must be a string.");
            }
            urls.add(MediaUrls.check(element.textValue(), image, path));
        }
        return urls;
    }

    private static void checkR2vMedia(List<MediaItem> media, boolean flatForm) {
        long references = media.stream().filter(m -> m.type().isReference()).count();
        String param = flatForm
                ? (media.stream().anyMatch(m -> m.type() == MediaType.REFERENCE_IMAGE) ? "reference_image" : "reference_video")
                : "media";
        if (references == 0) {
            throw ApiError.mediaCombination(param,
                    "wan2.7-r2v needs at least one reference_image or reference_video.");
        }
        if (references > MAX_REFERENCES) {
            throw ApiError.tooManyReferences(param, "wan2.7-r2v takes at most " + MAX_REFERENCES
                    + " reference_image and reference_video items in total; got " + references + ".");
        }
        int frames = 0;
        for (int i = 0; i < media.size(); i++) {
            if (media.get(i).type() == MediaType.FIRST_FRAME && ++frames > 1) {
                throw ApiError.mediaCombination(flatForm ? "first_frame" : "media[" + i + "].type",
                        "At most one first_frame is accepted.");
            }
        }
    }

    private static void checkI2vMedia(List<MediaItem> media) {
        Set<MediaType> seen = EnumSet.noneOf(MediaType.class);
        for (int i = 0; i < media.size(); i++) {
            MediaType type = media.get(i).type();
            if (!seen.add(type)) {
                throw ApiError.mediaCombination("media[" + i + "].type",
                        "Each media type may appear once; `" + type.wire() + "` is repeated.");
            }
        }
        if (!I2V_COMBINATIONS.contains(seen)) {
            String got = seen.isEmpty() ? "no media" : String.join(" + ", seen.stream().map(MediaType::wire).toList());
            throw ApiError.mediaCombination("media",
                    "wan2.7-i2v accepts these media sets: " + I2V_COMBINATIONS_TEXT + "; got " + got + ".");
        }
    }

    private static Resolution size(JsonNode body) {
        String field = present(body, "resolution") ? "resolution" : "size";
        JsonNode node = body.get(field);
        if (absent(node)) {
            return Resolution.P1080;
        }
        if (!node.isTextual()) {
            throw ApiError.invalidType(field, "`" + field + "` must be a string: 720P or 1080P.");
        }
        return Resolution.parse(node.textValue()).orElseThrow(() -> ApiError.invalidValue(field,
                "`" + field + "` must be 720P or 1080P; got '" + node.textValue() + "'."));
    }

    private static String ratio(JsonNode body, VideoModel model, List<MediaItem> media) {
        JsonNode node = body.get("ratio");
        if (model.family() == ModelFamily.I2V) {
            if (!absent(node)) {
                throw ApiError.unsupportedParameter("ratio",
                        "`ratio` is not accepted for " + model.id() + ": the output follows the input media.");
            }
            return null;
        }
        String ratio = DEFAULT_RATIO;
        if (!absent(node)) {
            if (!node.isTextual()) {
                throw ApiError.invalidType("ratio", "`ratio` must be a string: one of " + String.join(", ", RATIOS) + ".");
            }
            if (!RATIOS.contains(node.textValue())) {
                throw ApiError.invalidValue("ratio", "`ratio` must be one of " + String.join(", ", RATIOS)
                        + "; got '" + node.textValue() + "'.");
            }
            ratio = node.textValue();
        }
        // Accepted but ignored with a first frame: the output follows the frame, so we do not claim a ratio.
        return media.stream().anyMatch(m -> m.type() == MediaType.FIRST_FRAME) ? null : ratio;
    }

    private static int seconds(JsonNode body, List<MediaItem> media) {
        String field = present(body, "duration") ? "duration" : "seconds";
        boolean referenceVideo = media.stream().anyMatch(m -> m.type() == MediaType.REFERENCE_VIDEO);
        int max = referenceVideo ? MAX_SECONDS_WITH_REFERENCE_VIDEO : MAX_SECONDS;
        String range = "between " + MIN_SECONDS + " and " + max
                + (referenceVideo ? " when a reference_video is present" : "");
        JsonNode node = body.get(field);
        if (absent(node)) {
            return DEFAULT_SECONDS;
        }
        long value;
        if (node.isTextual()) {
            String text = node.textValue();
            if (!text.matches("[0-9]{1,9}")) {
                throw ApiError.invalidValue(field, "`" + field + "` must be a whole number of seconds " + range
                        + ", such as \"5\"; got '" + text + "'.");
            }
            value = Long.parseLong(text);
        } else if (node.isNumber()) {
            BigDecimal number = node.decimalValue();
            if (number.stripTrailingZeros().scale() > 0) {
                throw ApiError.invalidValue(field, "`" + field + "` must be a whole number of seconds " + range + ".");
            }
            value = number.compareTo(BigDecimal.valueOf(1_000_000)) > 0 ? Long.MAX_VALUE
                    : number.compareTo(BigDecimal.valueOf(-1_000_000)) < 0 ? Long.MIN_VALUE : number.longValue();
        } else {
            throw ApiError.invalidType(field, "`" + field + "` must be a string of an integer, such as \"5\".");
        }
        if (value < MIN_SECONDS || value > max) {
            throw ApiError.invalidValue(field, "`" + field + "` must be " + range + ".");
        }
        return (int) value;
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (absent(node)) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw ApiError.invalidType(field, "`" + field + "` must be true or false.");
        }
        return node.booleanValue();
    }

    private static Long seed(JsonNode body) {
        JsonNode node = body.get("seed");
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            throw ApiError.invalidType("seed", "`seed` must be an integer between 0 and 2147483647.");
        }
        if (!node.canConvertToLong() || node.longValue() < 0 || node.longValue() > Integer.MAX_VALUE) {
            throw ApiError.invalidValue("seed", "`seed` must be between 0 and 2147483647.");
        }
        return node.longValue();
    }

    /** JSON null counts as absent for every field. */
    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static boolean present(JsonNode body, String field) {
        return !absent(body.get(field));
    }
}
