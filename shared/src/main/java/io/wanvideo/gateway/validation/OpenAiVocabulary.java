package io.wanvideo.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.Resolution;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI's way of saying the same things (spec/api.md, "OpenAI Videos compatibility"): sizes as WxH, and
 * `input_reference`, the one image OpenAI's create takes, which is the first frame for i2v and a reference image
 * for r2v.
 */
final class OpenAiVocabulary {
    /** A size as the client wrote it: the tier, the ratio a WxH form implies (else null), and its label to echo. */
    record Size(Resolution resolution, String impliedRatio, String label, String field) {}

    private final MediaUrls urls;

    OpenAiVocabulary(MediaUrls urls) {
        this.urls = urls;
    }

    /** `size` (or its alias `resolution`): 720P or 1080P in any case, or one of OpenAI's WxH sizes. */
    static Size size(JsonNode body) {
        String field = Fields.present(body, "resolution") ? "resolution" : "size";
        JsonNode node = body.get(field);
        if (Fields.absent(node)) {
            return new Size(VideoContract.DEFAULT_SIZE, null, null, field);
        }
        String accepted = "720P, 1080P, or " + String.join(", ", VideoContract.OPENAI_SIZES.keySet());
        if (!node.isTextual()) {
            throw ApiError.invalidType(field, "`" + field + "` must be a string: " + accepted + ".");
        }
        String text = node.textValue();
        Optional<Resolution> tier = Resolution.parse(text);
        if (tier.isPresent()) {
            return new Size(tier.get(), null, null, field);
        }
        String form = text.trim().toLowerCase(Locale.ROOT);
        VideoContract.OpenAiSize openAi = VideoContract.OPENAI_SIZES.get(form);
        if (openAi == null) {
            throw ApiError.invalidValue(field, "`" + field + "` must be " + accepted + "; got '" + ApiErrors.echo(text) + "'.");
        }
        // The form, not the text: padding the client sent around it would be stored with the task and shown in every
        // answer (half a megabyte of spaces made the task item too large to store: a 500).
        return new Size(openAi.resolution(), openAi.ratio(), form, field);
    }

    /** The image `input_reference` gives, as the media item it is for this family; empty when absent. */
    Optional<SourcedMedia> inputReference(JsonNode body, ModelFamily family) {
        JsonNode node = body.get("input_reference");
        if (Fields.absent(node)) {
            return Optional.empty();
        }
        String url;
        String param = "input_reference";
        if (node.isTextual()) {
            url = node.textValue();
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String key = it.next().getKey();
                if (key.equals("file_id")) {
                    throw ApiError.unsupportedParameter("input_reference.file_id", "`input_reference.file_id` is not "
                            + "supported: this gateway has no file store. Upload the image with the request, or give "
                            + "`input_reference.image_url`.");
                }
                if (!key.equals("image_url")) {
                    throw ApiError.unknownParameter("input_reference." + ApiErrors.echo(key),
                            "Unknown parameter: `input_reference." + ApiErrors.echo(key) + "`.");
                }
            }
            JsonNode imageUrl = node.get("image_url");
            if (Fields.absent(imageUrl)) {
                throw ApiError.missing("input_reference.image_url", "`input_reference` needs `image_url` (or upload a file).");
            }
            if (!imageUrl.isTextual()) {
                throw ApiError.invalidType("input_reference.image_url", "`input_reference.image_url` must be a string.");
            }
            url = imageUrl.textValue();
            param = "input_reference.image_url";
        } else {
            throw ApiError.invalidType("input_reference", "`input_reference` must be an image URL, an object with "
                    + "`image_url`, or an uploaded image file.");
        }
        MediaType type = family == ModelFamily.I2V ? MediaType.FIRST_FRAME : MediaType.REFERENCE_IMAGE;
        return Optional.of(new SourcedMedia(new MediaItem(type, urls.check(url, true, param), null), "input_reference"));
    }
}
