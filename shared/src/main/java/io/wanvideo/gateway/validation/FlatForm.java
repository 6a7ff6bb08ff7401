package io.wanvideo.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001's flat form of the r2v request (top-level reference_image, reference_video, reference_voice,
 * first_frame), normalised to media items: images, then videos, then the first frame.
 */
final class FlatForm {
    static final List<String> FIELDS = List.of("reference_image", "reference_video", "reference_voice", "first_frame");

    private final MediaUrls urls;

    FlatForm(MediaUrls urls) {
        this.urls = urls;
    }

    static boolean used(JsonNode body) {
        return FIELDS.stream().anyMatch(f -> Fields.present(body, f));
    }

    /** The first flat field the client sent: what an error about the flat media as a whole names. */
    static String firstField(JsonNode body) {
        return FIELDS.stream().filter(f -> Fields.present(body, f)).findFirst().orElse("media");
    }

    List<SourcedMedia> media(JsonNode body) {
        List<SourcedMedia> items = new ArrayList<>();
        urlList(body, "reference_image", true, MediaType.REFERENCE_IMAGE, items);
        urlList(body, "reference_video", false, MediaType.REFERENCE_VIDEO, items);
        JsonNode voiceNode = body.get("reference_voice");
        if (!Fields.absent(voiceNode)) {
            if (!voiceNode.isTextual()) {
                throw ApiError.invalidType("reference_voice", "`reference_voice` must be a string.");
            }
            String voice = urls.check(voiceNode.textValue(), false, "reference_voice");
            if (items.isEmpty()) {
                throw ApiError.mediaCombination("reference_voice",
                        "`reference_voice` is the voice of the first reference; give a reference_image or reference_video.");
            }
            SourcedMedia first = items.get(0);
            items.set(0, new SourcedMedia(new MediaItem(first.item().type(), first.item().url(), voice), first.param()));
        }
        JsonNode frame = body.get("first_frame");
        if (!Fields.absent(frame)) {
            if (!frame.isTextual()) {
                throw ApiError.invalidType("first_frame", "`first_frame` must be a string.");
            }
            items.add(new SourcedMedia(new MediaItem(MediaType.FIRST_FRAME, urls.check(frame.textValue(), true, "first_frame"),
                    null), "first_frame"));
        }
        return items;
    }

    private void urlList(JsonNode body, String field, boolean image, MediaType type, List<SourcedMedia> into) {
        JsonNode node = body.get(field);
        if (Fields.absent(node)) {
            return;
        }
        if (node.isTextual()) {
            into.add(new SourcedMedia(new MediaItem(type, urls.check(node.textValue(), image, field), null), field));
            return;
        }
        if (!node.isArray()) {
            throw ApiError.invalidType(field, "`" + field + "` must be a URL string or an array of them.");
        }
        for (int i = 0; i < node.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw ApiError.invalidType(path, "`" + path + "` must be a string.");
            }
            into.add(new SourcedMedia(new MediaItem(type, urls.check(element.textValue(), image, path), null), path));
        }
    }
}
