package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Billable seconds of a finished task, as the upstream reports them. */
public record Usage(
        @JsonProperty("input_video_seconds") double inputVideoSeconds,
        @JsonProperty("output_video_seconds") double outputVideoSeconds,
        @JsonProperty("billed_seconds") double billedSeconds) {}
