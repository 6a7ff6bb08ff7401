package io.wanvideo.gateway.schedule;

import io.wanvideo.gateway.model.VideoSpec;

/**
 * One expected time for every task: what a configured upstream (the simulator, a test double, a
 * provider with flat timing) actually does, set with EXPECTED_GENERATION_SECONDS.
 */
public record FixedGenerationTime(LogNormal distribution) implements GenerationTimeModel {
    @Override
    public LogNormal expected(VideoSpec spec) {
        return distribution;
    }
}
