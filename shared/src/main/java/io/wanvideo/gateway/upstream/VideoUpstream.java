package io.wanvideo.gateway.upstream;

import io.wanvideo.gateway.model.VideoSpec;

/**
 * The narrow seam to a video-generation provider: create, query, cancel. A second provider is a new
 * implementation of this interface.
 */
public interface VideoUpstream {
    /** @return the upstream task id */
    String create(VideoSpec spec);

    UpstreamTask query(String upstreamTaskId);

    void cancel(String upstreamTaskId);
}
