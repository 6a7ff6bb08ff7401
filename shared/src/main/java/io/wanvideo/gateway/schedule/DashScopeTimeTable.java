package io.wanvideo.gateway.schedule;

import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoSpec;

/**
 * Default generation times for the real DashScope, by model, size, length and media.
 *
 * <p>From spec/upstream.md: documented 1 to 5 minutes; up to 7 to 14 minutes observed for r2v with
 * reference video. The table gives the median; individual tasks spread log-normally around it with
 * σ = 0.4 (a task at the 95th percentile takes 1.9 times the median). The numbers are estimates to be
 * recalibrated from real runs (see README, "Poll schedule").
 *
 * <ul>
 *   <li>i2v: 40 s + 10 s per output second at 720P (16 s at 1080P); ×1.15 with driving audio;
 *       +20 s to read a first clip. 2 s at 720P: 60 s; 15 s at 1080P: 280 s.</li>
 *   <li>r2v, images only: 60 s + 12 s per output second at 720P (20 s at 1080P). 15 s at 1080P: 360 s.</li>
 *   <li>r2v with reference video: that ×1.6, plus 90 s per reference video. 10 s at 1080P with five
 *       videos: 866 s.</li>
 * </ul>
 */
public final class DashScopeTimeTable implements GenerationTimeModel {
    public static final double SIGMA = 0.4;

    @Override
    public LogNormal expected(VideoSpec spec) {
        return new LogNormal(medianSeconds(spec), SIGMA);
    }

    public static double medianSeconds(VideoSpec spec) {
        boolean hd = spec.size() == Resolution.P1080;
        int seconds = spec.seconds();
        if (spec.model().family() == ModelFamily.I2V) {
            double base = 40 + (hd ? 16 : 10) * seconds;
            if (spec.has(MediaType.DRIVING_AUDIO)) {
                base *= 1.15;
            }
            if (spec.has(MediaType.FIRST_CLIP)) {
                base += 20;
            }
            return base;
        }
        double base = 60 + (hd ? 20 : 12) * seconds;
        long videos = spec.count(MediaType.REFERENCE_VIDEO);
        if (videos > 0) {
            base = base * 1.6 + 90 * videos;
        }
        return base;
    }
}
