package io.wanvideo.gateway.store;

import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;

/**
 * A task running upstream, as the running index shows it: enough to watch it upstream without reading the task.
 *
 * @param summary     the request without its media's URLs or data: what the expected generation time depends on (null
 *                    for a task stored before summaries were)
 * @param upstreamId  the upstream's id for it
 * @param submittedMs when the upstream accepted it
 * @param runOriginMs the latest moment its upstream run can have started
 */
public record RunningTask(String taskId, VideoSpec summary, String upstreamId, long submittedMs, Long runOriginMs) {

    public static RunningTask of(VideoTask task) {
        return new RunningTask(task.id(), task.spec(), task.upstreamId(), task.submittedMs(), task.runOriginMs());
    }
}
