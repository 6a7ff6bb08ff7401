package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One input file of a generation request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaItem(
        @JsonProperty("type") MediaType type,
        @JsonProperty("url") String url,
        @JsonProperty("reference_voice") String referenceVoice) {

    public MediaItem {
        if (type == null || url == null) {
            throw new IllegalArgumentException("media item needs a type and a url");
        }
    }
}
