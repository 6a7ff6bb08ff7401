package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What DashScope refuses in a wan2.7 create body, as its API reference describes it. Written apart from
 * the gateway's own validation on purpose: the gateway must never send what this refuses.
 */
final class CreateRules {
    static final Set<String> MODELS = Set.of("wan2.7-r2v", "wan2.7-i2v", "wan2.7-i2v-2026-04-25");
    private static final Set<String> R2V_TYPES = Set.of("reference_image", "reference_video", "first_frame");
    private static final Set<String> I2V_TYPES = Set.of("first_frame", "last_frame", "driving_audio", "first_clip");
    private static final Set<Set<String>> I2V_SETS = Set.of(
            Set.of("first_frame"), Set.of("first_frame", "driving_audio"), Set.of("first_frame", "last_frame"),
            Set.of("first_frame", "last_frame", "driving_audio"), Set.of("first_clip"), Set.of("first_clip", "last_frame"));
    private static final Set<String> RATIOS = Set.of("16:9", "9:16", "1:1", "4:3", "3:4");

    /** The parts of a valid body the simulation needs. */
    record Accepted(String model, String prompt, int duration, String resolution, String ratio, int referenceVideos,
                    List<MediaInput> media) {}

    /**
     * One file the create points at, which DashScope downloads.
     *
     * @param field where it sits in the body, e.g. {@code input.media[0].reference_voice}
     * @param type  the media type, or {@code reference_voice} for a voice attached to a reference
     */
    record MediaInput(String field, String type, String url) {}

    private CreateRules() {}

    static Accepted check(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw Refusal.invalid("The request body is not a JSON object.");
        }
        String model = body.path("model").textValue();
        if (model == null) {
            throw Refusal.invalid("Model is required.");
        }
        if (!MODELS.contains(model)) {
            throw Refusal.invalid("Model not exist.");
        }
        boolean r2v = model.equals("wan2.7-r2v");
        JsonNode input = body.get("input");
        if (input == null || !input.isObject()) {
            throw Refusal.invalid("input is required.");
        }
        JsonNode promptNode = input.get("prompt");
        String prompt = promptNode == null || promptNode.isNull() ? null : promptNode.asText();
        if (promptNode != null && !promptNode.isNull() && !promptNode.isTextual()) {
            throw Refusal.invalid("input.prompt must be a string.");
        }
        if (r2v && (prompt == null || prompt.isBlank())) {
            throw Refusal.invalid("input.prompt is required.");
        }
        JsonNode negative = input.get("negative_prompt");
        if (negative != null && !negative.isNull() && !negative.isTextual()) {
            throw Refusal.invalid("input.negative_prompt must be a string.");
        }
        JsonNode media = input.get("media");
        if (media == null || !media.isArray() || media.isEmpty()) {
            throw Refusal.invalid("input.media is required.");
        }
        Map<String, Integer> counts = new HashMap<>();
        List<MediaInput> inputs = new ArrayList<>();
        int index = 0;
        for (JsonNode item : media) {
            String field = "input.media[" + index++ + "]";
            String type = item.path("type").textValue();
            if (type == null || !(r2v ? R2V_TYPES : I2V_TYPES).contains(type)) {
                throw Refusal.invalid("input.media.type '" + type + "' is not supported by " + model + ".");
            }
            counts.merge(type, 1, Integer::sum);
            checkUrl(item.path("url").textValue(), type.endsWith("image") || type.endsWith("frame"));
            inputs.add(new MediaInput(field + ".url", type, item.path("url").textValue()));
            JsonNode voice = item.get("reference_voice");
            if (voice != null && !voice.isNull()) {
                if (!type.startsWith("reference_")) {
                    throw Refusal.invalid("reference_voice is only supported on reference media.");
                }
                checkUrl(voice.textValue(), false);
                inputs.add(new MediaInput(field + ".reference_voice", "reference_voice", voice.textValue()));
            }
        }
        int referenceVideos = counts.getOrDefault("reference_video", 0);
        if (r2v) {
            int references = counts.getOrDefault("reference_image", 0) + referenceVideos;
            if (references < 1 || references > 5) {
                throw Refusal.invalid("The number of reference images and videos must be between 1 and 5.");
            }
            if (counts.getOrDefault("first_frame", 0) > 1) {
                throw Refusal.invalid("At most one first_frame is supported.");
            }
        } else {
            if (counts.values().stream().anyMatch(c -> c > 1) || !I2V_SETS.contains(counts.keySet())) {
                throw Refusal.invalid("Unsupported media combination: " + new TreeSet<>(counts.keySet()) + ".");
            }
        }
        JsonNode parameters = body.path("parameters");
        String resolution = parameters.path("resolution").asText("1080P");
        if (!resolution.equals("720P") && !resolution.equals("1080P")) {
            throw Refusal.invalid("parameters.resolution must be 720P or 1080P.");
        }
        JsonNode durationNode = parameters.get("duration");
        int duration = 5;
        if (durationNode != null && !durationNode.isNull()) {
            if (!durationNode.isIntegralNumber()) {
                throw Refusal.invalid("parameters.duration must be an integer.");
            }
            duration = durationNode.intValue();
        }
        int maxDuration = referenceVideos > 0 ? 10 : 15;
        if (duration < 2 || duration > maxDuration) {
            throw Refusal.invalid("parameters.duration must be between 2 and " + maxDuration + ".");
        }
        String ratio = null;
        JsonNode ratioNode = parameters.get("ratio");
        if (ratioNode != null && !ratioNode.isNull()) {
            if (!r2v) {
                throw Refusal.invalid("parameters.ratio is not supported by " + model + ".");
            }
            ratio = ratioNode.asText();
            if (!RATIOS.contains(ratio)) {
                throw Refusal.invalid("parameters.ratio must be one of " + RATIOS + ".");
            }
        }
        for (String flag : List.of("prompt_extend", "watermark")) {
            JsonNode node = parameters.get(flag);
            if (node != null && !node.isNull() && !node.isBoolean()) {
                throw Refusal.invalid("parameters." + flag + " must be a boolean.");
            }
        }
        JsonNode seed = parameters.get("seed");
        if (seed != null && !seed.isNull()
                && (!seed.isIntegralNumber() || seed.longValue() < 0 || seed.longValue() > 2147483647L)) {
            throw Refusal.invalid("parameters.seed must be an integer in [0, 2147483647].");
        }
        return new Accepted(model, prompt == null ? "" : prompt, duration, resolution, ratio == null ? "16:9" : ratio,
                referenceVideos, List.copyOf(inputs));
    }

    private static void checkUrl(String url, boolean image) {
        if (url == null || url.isBlank()) {
            throw Refusal.invalid("input.media.url is required.");
        }
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        boolean ok = lower.startsWith("https://") || lower.startsWith("http://") || lower.startsWith("oss://")
                || (image && lower.startsWith("data:image/"));
        if (!ok) {
            throw new Refusal(400, "InvalidURL", "The media url is invalid: " + abbreviate(url));
        }
    }

    static String abbreviate(String url) {
        return url.length() > 60 ? url.substring(0, 60) + "..." : url;
    }

    static List<String> directives(String prompt, String name) {
        List<String> values = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("sim:" + name + "=(\\S+)").matcher(prompt);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }
}
