package io.wanvideo.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of spec/api.md for POST /v1/videos, in one place, for both encodings (JSON, and forms decoded to the
 * same tree). Turns a request into a {@link VideoSpec} or throws the first {@link ApiError} found, naming the
 * field the client sent with a JSON path.
 *
 * <p>Checks run in a fixed order (model, unknown fields, form, text, media, size, ratio, seconds, flags, seed,
 * webhook) so the error a client sees for a given body is stable.
 */
public final class VideoRequestValidator {
    private static final Set<String> CANONICAL_FIELDS = Set.of("model", "prompt", "negative_prompt", "media", "size",
            "ratio", "seconds", "prompt_extend", "watermark", "seed", "input_reference", "webhook_url");
    /** Aliases: seed 001's `resolution` and `duration`, OpenRouter's `callback_url`. */
    private static final Set<String> ALIASES = Set.of("resolution", "duration", "callback_url");
    private static final Set<String> MEDIA_ITEM_FIELDS = Set.of("type", "url", "reference_voice");
    private static final int MAX_WEBHOOK_URL_CHARS = 2048;

    private final MediaUrls urls;
    private final FlatForm flatForm;
    private final OpenAiVocabulary openAi;
    private final WebhookTargetRule webhookTargets;
    private final int maxInlineChars;

    /**
     * @param allowLoopbackMedia whether media URLs may point at loopback (the local stack, where the simulator fetches)
     * @param webhookTargets     which webhook URLs are acceptable
     * @param maxInlineChars     how much inline media (data: URIs) a request may carry in all: unlimited (but for the
     *                           body limit) when inputs are moved to storage, less than an item holds when they are not
     */
    public VideoRequestValidator(boolean allowLoopbackMedia, WebhookTargetRule webhookTargets, int maxInlineChars) {
        this.urls = new MediaUrls(allowLoopbackMedia);
        this.flatForm = new FlatForm(urls);
        this.openAi = new OpenAiVocabulary(urls);
        this.webhookTargets = webhookTargets;
        this.maxInlineChars = maxInlineChars;
    }

    public VideoRequestValidator(boolean allowLoopbackMedia, WebhookTargetRule webhookTargets) {
        this(allowLoopbackMedia, webhookTargets, Integer.MAX_VALUE);
    }

    /** The deployed policy: public media hosts only; webhooks to https only. */
    public VideoRequestValidator() {
        this(false, url -> url.toLowerCase(Locale.ROOT).startsWith("https://") ? Optional.empty()
                : Optional.of("webhooks are delivered over https only"));
    }

    public VideoSpec validate(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.invalidType(null, "The request body must be a JSON object.");
        }
        VideoModel model = model(body);
        ModelFamily family = model.family();
        rejectUnknownFields(body);

        boolean flat = FlatForm.used(body);
        if (flat) {
            String flatField = FlatForm.firstField(body);
            if (family != ModelFamily.R2V) {
                throw ApiError.unsupportedParameter(flatField, "The top-level `" + flatField + "` field is the "
                        + "wan2.7-r2v compatibility form; for " + model.id() + " put every input in `media`.");
            }
            if (Fields.present(body, "media")) {
                throw ApiError.conflictingParameters(flatField, "Give the inputs either in `media` or in the "
                        + "top-level `" + flatField + "` form, not both.");
            }
        }
        rejectAliasWithCanonical(body, "resolution", "size");
        rejectAliasWithCanonical(body, "duration", "seconds");
        rejectAliasWithCanonical(body, "callback_url", "webhook_url");

        String prompt = Fields.text(body.get("prompt"), "prompt", VideoContract.MAX_PROMPT_CHARS);
        if (family == ModelFamily.R2V) {
            if (prompt == null) {
                throw ApiError.missing("prompt", "`prompt` is required for " + model.id() + ".");
            }
            if (Fields.blank(prompt)) {
                throw ApiError.invalidValue("prompt", "`prompt` must not be blank.");
            }
        } else if (prompt != null && Fields.blank(prompt)) {
            prompt = null;
        }
        String negativePrompt = Fields.text(body.get("negative_prompt"), "negative_prompt",
                VideoContract.MAX_NEGATIVE_PROMPT_CHARS);
        if (negativePrompt != null && Fields.blank(negativePrompt)) {
            negativePrompt = null;
        }

        Optional<SourcedMedia> reference = openAi.inputReference(body, family);
        List<SourcedMedia> media = flat ? flatForm.media(body) : media(body, family, reference.isPresent());
        String setParam = flat ? FlatForm.firstField(body) : Fields.present(body, "media") ? "media" : "input_reference";
        if (reference.isPresent()) {
            media = withReference(media, reference.get(), family);
        }
        if (family == ModelFamily.R2V) {
            MediaRules.r2v(media, setParam);
        } else {
            MediaRules.i2v(media, setParam);
        }
        checkInlineSize(media);
        List<MediaItem> items = media.stream().map(SourcedMedia::item).toList();

        OpenAiVocabulary.Size size = OpenAiVocabulary.size(body);
        String ratio = ratio(body, model, items, size);
        int seconds = seconds(body, items);
        boolean promptExtend = Fields.bool(body, "prompt_extend", true);
        boolean watermark = Fields.bool(body, "watermark", false);
        Long seed = Fields.seed(body);
        String webhookUrl = webhookUrl(body);
        return new VideoSpec(model, prompt, negativePrompt, items, size.resolution(), ratio, seconds, promptExtend,
                watermark, seed, size.label(), webhookUrl);
    }

    /** Without storage, inline media stays in the task item, which DynamoDB caps at 400 KB. */
    private void checkInlineSize(List<SourcedMedia> media) {
        long total = 0;
        SourcedMedia largest = null;
        for (SourcedMedia m : media) {
            String url = m.item().url();
            if (url != null && url.regionMatches(true, 0, "data:", 0, 5)) {
                total += url.length();
                if (largest == null || url.length() > largest.item().url().length()) {
                    largest = m;
                }
            }
        }
        if (total > maxInlineChars) {
            String param = largest.param().startsWith("media[") ? largest.param() + ".url" : largest.param();
            throw ApiError.payloadTooLarge(param, "The inline media of this request is " + total / 1000 + " KB; this "
                    + "deployment keeps at most " + maxInlineChars / 1000 + " KB with a task. Host large media at an "
                    + "https:// or oss:// URL instead.");
        }
    }

    private static VideoModel model(JsonNode body) {
        JsonNode node = body.get("model");
        if (Fields.absent(node)) {
            throw ApiError.missing("model", "`model` is required: one of " + VideoModel.idList() + ".");
        }
        if (!node.isTextual()) {
            throw ApiError.invalidType("model", "`model` must be a string: one of " + VideoModel.idList() + ".");
        }
        return VideoModel.byId(node.textValue()).orElseThrow(() -> ApiError.invalidValue("model",
                "Unknown model '" + ApiErrors.echo(node.textValue()) + "': use one of " + VideoModel.idList() + "."));
    }

    private static void rejectUnknownFields(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!CANONICAL_FIELDS.contains(name) && !FlatForm.FIELDS.contains(name) && !ALIASES.contains(name)) {
                String shown = ApiErrors.echo(name);
                throw ApiError.unknownParameter(shown, "Unknown parameter: `" + shown + "`.");
            }
        }
    }

    private static void rejectAliasWithCanonical(JsonNode body, String alias, String canonical) {
        if (Fields.present(body, alias) && Fields.present(body, canonical)) {
            throw ApiError.conflictingParameters(alias,
                    "`" + alias + "` is an alias of `" + canonical + "`; give only one of them.");
        }
    }

    private List<SourcedMedia> media(JsonNode body, ModelFamily family, boolean inputReference) {
        JsonNode node = body.get("media");
        if (Fields.absent(node)) {
            if (inputReference) {
                return List.of();
            }
            throw ApiError.missing("media", "`media` is required: an array of {\"type\", \"url\"} items"
                    + (family == ModelFamily.I2V ? " (or give the first frame as `input_reference`)." : "."));
        }
        if (!node.isArray()) {
            throw ApiError.invalidType("media", "`media` must be an array of {\"type\", \"url\"} items.");
        }
        List<SourcedMedia> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "media[" + i + "]";
            items.add(new SourcedMedia(mediaItem(node.get(i), path, family), path));
        }
        return items;
    }

    private MediaItem mediaItem(JsonNode item, String path, ModelFamily family) {
        if (!item.isObject()) {
            throw ApiError.invalidType(path, "`" + path + "` must be an object with `type` and `url`.");
        }
        for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!MEDIA_ITEM_FIELDS.contains(name)) {
                String shown = path + "." + ApiErrors.echo(name);
                throw ApiError.unknownParameter(shown, "Unknown parameter: `" + shown + "`.");
            }
        }
        JsonNode typeNode = item.get("type");
        if (Fields.absent(typeNode)) {
            throw ApiError.missing(path + ".type", "`" + path + ".type` is required.");
        }
        if (!typeNode.isTextual()) {
            throw ApiError.invalidType(path + ".type", "`" + path + ".type` must be a string.");
        }
        String accepted = String.join(", ", VideoContract.mediaTypes(family).stream().map(MediaType::wire).toList());
        MediaType type = MediaType.byWire(typeNode.textValue())
                .filter(t -> t.acceptedBy(family))
                .orElseThrow(() -> ApiError.invalidValue(path + ".type", "Media type '" + ApiErrors.echo(typeNode.textValue())
                        + "' is not accepted here; use one of " + accepted + "."));
        JsonNode urlNode = item.get("url");
        if (Fields.absent(urlNode)) {
            throw ApiError.missing(path + ".url", "`" + path + ".url` is required.");
        }
        if (!urlNode.isTextual()) {
            throw ApiError.invalidType(path + ".url", "`" + path + ".url` must be a string.");
        }
        String url = urls.check(urlNode.textValue(), type.isImage(), path + ".url");
        String voice = null;
        JsonNode voiceNode = item.get("reference_voice");
        if (!Fields.absent(voiceNode)) {
            String voicePath = path + ".reference_voice";
            if (!type.isReference()) {
                throw ApiError.unsupportedParameter(voicePath,
                        "`reference_voice` is accepted only on reference_image and reference_video items.");
            }
            if (!voiceNode.isTextual()) {
                throw ApiError.invalidType(voicePath, "`" + voicePath + "` must be a string.");
            }
            voice = urls.check(voiceNode.textValue(), false, voicePath);
        }
        return new MediaItem(type, url, voice);
    }

    /** `input_reference` joins the media: the first frame of i2v, the first reference image ("Image 1") of r2v. */
    private static List<SourcedMedia> withReference(List<SourcedMedia> media, SourcedMedia reference, ModelFamily family) {
        if (family == ModelFamily.I2V && media.stream().anyMatch(m -> m.item().type() == MediaType.FIRST_FRAME)) {
            throw ApiError.conflictingParameters("input_reference", "`input_reference` is the first frame; the media "
                    + "already has a first_frame. Give only one of them.");
        }
        List<SourcedMedia> joined = new ArrayList<>();
        joined.add(reference);
        joined.addAll(media);
        return joined;
    }

    private static String ratio(JsonNode body, VideoModel model, List<MediaItem> media, OpenAiVocabulary.Size size) {
        JsonNode node = body.get("ratio");
        if (model.family() == ModelFamily.I2V) {
            if (!Fields.absent(node)) {
                throw ApiError.unsupportedParameter("ratio",
                        "`ratio` is not accepted for " + model.id() + ": the output follows the input media.");
            }
            return null;
        }
        String ratio = size.impliedRatio() != null ? size.impliedRatio() : VideoContract.DEFAULT_RATIO;
        if (!Fields.absent(node)) {
            if (!node.isTextual()) {
                throw ApiError.invalidType("ratio", "`ratio` must be a string: one of "
                        + String.join(", ", VideoContract.RATIOS) + ".");
            }
            if (!VideoContract.RATIOS.contains(node.textValue())) {
                throw ApiError.invalidValue("ratio", "`ratio` must be one of " + String.join(", ", VideoContract.RATIOS)
                        + "; got '" + ApiErrors.echo(node.textValue()) + "'.");
            }
            if (size.impliedRatio() != null && !size.impliedRatio().equals(node.textValue())) {
                throw ApiError.conflictingParameters("ratio", "`" + size.field() + "` " + size.label() + " is "
                        + size.impliedRatio() + "; `ratio` says " + node.textValue() + ". Give one of them.");
            }
            ratio = node.textValue();
        }
        // Accepted but ignored with a first frame: the output follows the frame, so we do not claim a ratio.
        return media.stream().anyMatch(m -> m.type() == MediaType.FIRST_FRAME) ? null : ratio;
    }

    private static int seconds(JsonNode body, List<MediaItem> media) {
        String field = Fields.present(body, "duration") ? "duration" : "seconds";
        boolean referenceVideo = media.stream().anyMatch(m -> m.type() == MediaType.REFERENCE_VIDEO);
        int max = VideoContract.maxSeconds(referenceVideo);
        String range = "between " + VideoContract.MIN_SECONDS + " and " + max
                + (referenceVideo ? " when a reference_video is present" : "");
        JsonNode node = body.get(field);
        if (Fields.absent(node)) {
            return VideoContract.DEFAULT_SECONDS;
        }
        return Fields.wholeSeconds(node, field, VideoContract.MIN_SECONDS, max, range);
    }

    private String webhookUrl(JsonNode body) {
        String field = Fields.present(body, "callback_url") ? "callback_url" : "webhook_url";
        String url = Fields.text(body.get(field), field, MAX_WEBHOOK_URL_CHARS);
        if (url == null) {
            return null;
        }
        Optional<String> refused = webhookTargets.refuse(url);
        if (refused.isPresent()) {
            throw ApiError.invalidValue(field, "`" + field + "` cannot be delivered to: " + refused.get() + ".");
        }
        return url;
    }
}
