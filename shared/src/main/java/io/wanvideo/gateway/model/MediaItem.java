package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One input file of a generation request.
 *
 * @param url      where the upstream fetches it; null when the file is held in the gateway's storage
 * @param inputKey the stored object holding an inline or uploaded file; the upstream gets a presigned URL to
 *                 it, made when the task is dispatched (a backlog can outlast any URL made at submission)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaItem(
        @JsonProperty("type") MediaType type,
        @JsonProperty("url") String url,
        @JsonProperty("reference_voice") String referenceVoice,
        @JsonProperty("input_key") String inputKey) {

    public MediaItem {
        if (type == null || (url == null) == (inputKey == null)) {
            throw new IllegalArgumentException("media item needs a type and either a url or a stored input");
        }
    }

    public MediaItem(MediaType type, String url, String referenceVoice) {
        this(type, url, referenceVoice, null);
    }

    public MediaItem stored(String key) {
        return new MediaItem(type, null, referenceVoice, key);
    }
}
