package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.TaskStore;

/** GET /v1/videos/{id}: a task for its owner only; another tenant's task and an unknown id answer alike. */
public final class LookupVideo {
    private final TaskStore store;
    private final VideoViews views;

    public LookupVideo(TaskStore store, VideoViews views) {
        this.store = store;
        this.views = views;
    }

    public VideoObject find(String tenant, String id) {
        return views.of(owned(tenant, id));
    }

    /**
     * Where the task's video can be downloaded now.
     *
     * @throws VideoNotReadyException not completed (yet, or ever)
     * @throws VideoGoneException     completed, but no copy of the video is left
     */
    public String content(String tenant, String id) {
        VideoTask task = owned(tenant, id);
        if (task.state() != io.wanvideo.gateway.model.TaskState.COMPLETED) {
            throw new VideoNotReadyException("The video is not ready: the task is " + task.publicStatus().wire()
                    + (task.state().terminal() ? " and has no video." : "; try again once it has completed."));
        }
        return views.videoUrl(task).orElseThrow(() -> new VideoGoneException("The video has expired: no copy of it is "
                + "kept any more."));
    }

    /** @throws VideoNotFoundException unknown, or another tenant's */
    public VideoTask owned(String tenant, String id) {
        if (!TaskIds.plausible(id)) {
            throw new VideoNotFoundException(id);
        }
        return store.find(id).filter(task -> task.tenant().equals(tenant)).orElseThrow(() -> new VideoNotFoundException(id));
    }
}
