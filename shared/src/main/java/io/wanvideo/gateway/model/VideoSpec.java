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
        @JsonProperty("seed") Long seed) {

    public VideoSpec {
        media = List.copyOf(media);
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
