package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Billable seconds of a finished task, as the upstream reports them, and what they cost.
 *
 * @param cost USD, from the configured price table (see README, "Cost"); null where no price is known
 */
public record Usage(
        @JsonProperty("input_video_seconds") double inputVideoSeconds,
        @JsonProperty("output_video_seconds") double outputVideoSeconds,
        @JsonProperty("billed_seconds") double billedSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("cost") Double cost) {

    public Usage withCost(Double usd) {
        return new Usage(inputVideoSeconds, outputVideoSeconds, billedSeconds, usd);
    }
}
