package io.wanvideo.gateway.upstream;

import io.wanvideo.gateway.model.Usage;

/**
 * What a query says about an upstream task.
 *
 * @param status PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN, or something we do not know
 */
public record UpstreamTask(String taskId, String status, String code, String message, String videoUrl, Usage usage) {
    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }
}
