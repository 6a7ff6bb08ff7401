package io.wanvideo.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A model as GET /v1/models shows it: OpenAI's model object, with what the model accepts and costs.
 *
 * @param slots upstream tasks the gateway runs at once for the model, over all its accounts; null until the poller
 *              has reported its configuration
 */
public record ModelObject(
        @JsonProperty("id") String id,
        @JsonProperty("object") String object,
        @JsonProperty("created") long created,
        @JsonProperty("owned_by") String ownedBy,
        @JsonProperty("family") String family,
        @JsonProperty("media") Media media,
        @JsonProperty("seconds") Seconds seconds,
        @JsonProperty("sizes") List<String> sizes,
        @JsonProperty("default_size") String defaultSize,
        @JsonProperty("ratios") List<String> ratios,
        @JsonProperty("default_ratio") String defaultRatio,
        @JsonProperty("slots") Integer slots,
        @JsonProperty("price_per_second") Map<String, Double> pricePerSecond) {

    /**
     * @param types          the media item types the model takes
     * @param combinations   the accepted sets of types (i2v), or null where any count within the limits goes (r2v)
     * @param maxReferences  reference_image + reference_video items at most (r2v)
     * @param voiceOn        the types that may carry a reference_voice
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Media(@JsonProperty("types") List<String> types,
            @JsonProperty("combinations") List<List<String>> combinations,
            @JsonProperty("max_references") Integer maxReferences,
            @JsonProperty("max_first_frames") Integer maxFirstFrames,
            @JsonProperty("reference_voice_on") List<String> voiceOn) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Seconds(@JsonProperty("min") int min, @JsonProperty("max") int max,
            @JsonProperty("max_with_reference_video") Integer maxWithReferenceVideo,
            @JsonProperty("default") int defaultSeconds) {}
}
