package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;

/** GET /v1/videos/{id}: a task for its owner only. */
public final class LookupVideo {
    private final TaskStore store;
    private final GenerationTimeModel times;
    private final Clock clock;

    public LookupVideo(TaskStore store, GenerationTimeModel times, Clock clock) {
        this.store = store;
        this.times = times;
        this.clock = clock;
    }

    public VideoObject find(String tenant, String id) {
        if (!TaskIds.plausible(id)) {
            throw notFound(id);
        }
        return store.find(id)
                .filter(task -> task.tenant().equals(tenant))
                .map(task -> VideoObject.of(task, clock.millis(), times))
                .orElseThrow(() -> notFound(id));
    }

    /** Another tenant's task and a task that does not exist answer alike. */
    private static ApiError notFound(String id) {
        String shown = id == null ? "" : id.length() > 80 ? id.substring(0, 80) + "..." : id;
        return ApiError.notFound("id", "No video task with id '" + shown + "'.");
    }
}
