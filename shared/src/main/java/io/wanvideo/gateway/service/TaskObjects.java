package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.VideoTask;

/** The objects a task keeps in the gateway's storage (its stored inputs, its result copy). */
public interface TaskObjects {
    /** No storage. */
    TaskObjects NONE = new TaskObjects() {
        @Override
        public void deleteInputs(VideoTask task) {}

        @Override
        public void deleteAll(VideoTask task) {}
    };

    /** Removes the task's stored inputs (it has ended; the upstream has fetched them). */
    void deleteInputs(VideoTask task);

    /** Removes everything the task stored (it is being deleted). */
    void deleteAll(VideoTask task);
}
