package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.VideoSpec;

/**
 * Moves inline inputs (data: URIs, uploaded files) out of the request and into the gateway's storage, so the task
 * item keeps only a key and stays small, and the upstream gets a fresh URL to each at dispatch.
 */
public interface StoredInputs {
    /** No storage: inline inputs stay in the request (and in the task item). */
    StoredInputs NONE = new StoredInputs() {
        @Override
        public VideoSpec store(String taskId, VideoSpec spec) {
            return spec;
        }

        @Override
        public void discard(VideoSpec spec) {}
    };

    /** @return the spec with every inline input replaced by the key it was stored under */
    VideoSpec store(String taskId, VideoSpec spec);

    /** Removes what {@link #store} stored, for a task that was not created after all. */
    void discard(VideoSpec spec);
}
