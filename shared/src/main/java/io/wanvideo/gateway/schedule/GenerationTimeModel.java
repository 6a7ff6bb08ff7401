package io.wanvideo.gateway.schedule;

import io.wanvideo.gateway.model.VideoSpec;

/**
 * How long the upstream takes to generate a video, from the moment it starts running to the moment it
 * finishes. The poll schedule and the progress estimate both come from it.
 */
public interface GenerationTimeModel {
    LogNormal expected(VideoSpec spec);
}
