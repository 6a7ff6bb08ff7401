package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A validated, normalised generation request: what the gateway will ask the upstream for.
 * Compatibility forms and aliases are gone by the time one of these exists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VideoSpec(
        @JsonProperty("model") VideoModel model,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("negative_prompt") String negativePrompt,
        @JsonProperty("media") List<MediaItem> media,
        @JsonProperty("size") Resolution size,
        /* null where it does not apply: i2v, or r2v with a first frame (the output follows the frame). */
        @JsonProperty("ratio") String ratio,
        @JsonProperty("seconds") int seconds,
        @JsonProperty("prompt_extend") boolean promptExtend,
        @JsonProperty("watermark") boolean watermark,
        @JsonProperty("seed") Long seed,
        /* The size as the client wrote it when that was OpenAI's WxH form (echoed back as sent); null otherwise. */
        @JsonProperty("size_label") String sizeLabel,
        /* Delivery, not generation: where the completion event goes (the tenant's default when absent). */
        @JsonProperty("webhook_url") String webhookUrl) {

    public VideoSpec {
        media = List.copyOf(media);
    }

    /** The `size` the task object shows: the client's WxH form if it used one, else 720P/1080P. */
    @JsonIgnore
    public String sizeShown() {
        return sizeLabel != null ? sizeLabel : size.wire();
    }

    public VideoSpec withMedia(List<MediaItem> replaced) {
        return new VideoSpec(model, prompt, negativePrompt, replaced, size, ratio, seconds, promptExtend, watermark, seed,
                sizeLabel, webhookUrl);
    }

    public VideoSpec withWebhookUrl(String url) {
        return new VideoSpec(model, prompt, negativePrompt, media, size, ratio, seconds, promptExtend, watermark, seed,
                sizeLabel, url);
    }

    @JsonIgnore
    public boolean has(MediaType type) {
        return media.stream().anyMatch(m -> m.type() == type);
    }

    @JsonIgnore
    public long count(MediaType type) {
        return media.stream().filter(m -> m.type() == type).count();
    }
}
