package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a task failed: an upstream code (DataInspectionFailed, ...) or one of ours (see {@link TaskErrors}).
 */
public record TaskError(@JsonProperty("code") String code, @JsonProperty("message") String message) {}
