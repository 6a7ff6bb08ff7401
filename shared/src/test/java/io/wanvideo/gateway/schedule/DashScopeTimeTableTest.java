package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DashScopeTimeTableTest {
    private static VideoSpec spec(VideoModel model, Resolution size, int seconds, MediaType... media) {
        var items = Arrays.stream(media).map(t -> new MediaItem(t, "https://example.com/m", null)).toList();
        return new VideoSpec(model, "p", null, items, size, null, seconds, true, false, null, null, null);
    }

    private static double median(VideoModel model, Resolution size, int seconds, MediaType... media) {
        return DashScopeTimeTable.medianSeconds(spec(model, size, seconds, media));
    }

    @Test
    void i2vTakes40SecondsPlus10PerOutputSecondAt720pAnd16At1080p() {
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P720, 5, MediaType.FIRST_FRAME)).isEqualTo(90);
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P1080, 5, MediaType.FIRST_FRAME)).isEqualTo(120);
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P720, 2, MediaType.FIRST_FRAME, MediaType.LAST_FRAME)).isEqualTo(60);
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P1080, 15, MediaType.FIRST_FRAME)).isEqualTo(280);
        // The snapshot is the same model.
        assertThat(median(VideoModel.WAN27_I2V_20260425, Resolution.P1080, 5, MediaType.FIRST_FRAME)).isEqualTo(120);
    }

    @Test
    void drivingAudioAddsFifteenPercentAndAFirstClipTwentySecondsAfterIt() {
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P720, 5, MediaType.FIRST_FRAME, MediaType.DRIVING_AUDIO))
                .isCloseTo(103.5, within(1e-9));
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P720, 5, MediaType.FIRST_CLIP)).isEqualTo(110);
        // (40 + 160) × 1.15 + 20, not (40 + 160 + 20) × 1.15.
        assertThat(median(VideoModel.WAN27_I2V, Resolution.P1080, 10, MediaType.FIRST_CLIP, MediaType.DRIVING_AUDIO))
                .isCloseTo(250, within(1e-9));
    }

    @Test
    void r2vTakes60SecondsPlus12PerOutputSecondAt720pAnd20At1080p() {
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P720, 5, MediaType.REFERENCE_IMAGE)).isEqualTo(120);
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P1080, 5, MediaType.REFERENCE_IMAGE, MediaType.REFERENCE_IMAGE))
                .isEqualTo(160);
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P1080, 15, MediaType.REFERENCE_IMAGE)).isEqualTo(360);
        // Media i2v takes do not change an r2v time, nor a first frame.
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P720, 5, MediaType.REFERENCE_IMAGE, MediaType.FIRST_FRAME))
                .isEqualTo(120);
    }

    @Test
    void referenceVideosMultiplyBy1point6AndAdd90SecondsEach() {
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P720, 5, MediaType.REFERENCE_VIDEO)).isCloseTo(282, within(1e-9));
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P720, 5, MediaType.REFERENCE_VIDEO, MediaType.REFERENCE_VIDEO,
                MediaType.REFERENCE_IMAGE)).isCloseTo(372, within(1e-9));
        MediaType v = MediaType.REFERENCE_VIDEO;
        assertThat(median(VideoModel.WAN27_R2V, Resolution.P1080, 10, v, v, v, v, v)).isCloseTo(866, within(1e-9));
    }

    @Test
    void theExpectedDistributionIsLogNormalAroundTheMedianWithSigma04() {
        VideoSpec spec = spec(VideoModel.WAN27_R2V, Resolution.P1080, 10, MediaType.REFERENCE_VIDEO);
        assertThat(new DashScopeTimeTable().expected(spec)).isEqualTo(new LogNormal(260 * 1.6 + 90, 0.4));
        assertThat(DashScopeTimeTable.SIGMA).isEqualTo(0.4);
    }
}
