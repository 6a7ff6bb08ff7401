package io.wanvideo.gateway.upstream;

import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.Usage;

/**
 * What a query says about an upstream task, already in the gateway's words.
 *
 * @param rawStatus the provider's own status string, for logs only
 * @param error     why it failed (the provider's code and message), when it did
 * @param videoUrl  the result, when it succeeded
 * @param endedMs   when the upstream says the task ended, if it says (the gateway's detection delay counts from it)
 */
public record UpstreamTask(String taskId, UpstreamState state, String rawStatus, TaskError error, String videoUrl,
        Usage usage, Long endedMs) {
    /** A view that does not say when the task ended. */
    public UpstreamTask(String taskId, UpstreamState state, String rawStatus, TaskError error, String videoUrl, Usage usage) {
        this(taskId, state, rawStatus, error, videoUrl, usage, null);
    }
}
