package io.wanvideo.gateway.store;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;

/**
 * A task holding a slot, as the slot-holders index shows it: enough to watch it upstream without reading the task.
 *
 * @param summary     the request without its media's URLs or data: what the expected generation time depends on (null
 *                    for a task stored before summaries were)
 * @param upstreamId  null until the upstream accepted it
 * @param submittedMs when the upstream accepted it
 * @param runOriginMs the latest moment its upstream run can have started
 */
public record HeldSlot(String taskId, TaskState state, VideoSpec summary, String upstreamId, Long submittedMs,
        Long runOriginMs) {

    public static HeldSlot of(VideoTask task) {
        return new HeldSlot(task.id(), task.state(), task.spec(), task.upstreamId(), task.submittedMs(), task.runOriginMs());
    }
}
