package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedGenerationTimeTest {
    @Test
    void everyTaskGetsTheConfiguredDistribution() {
        LogNormal simulator = new LogNormal(5, 0.2);
        FixedGenerationTime times = new FixedGenerationTime(simulator);
        VideoSpec slow = new VideoSpec(VideoModel.WAN27_R2V, "p", null,
                List.of(new MediaItem(MediaType.REFERENCE_VIDEO, "https://example.com/v", null)), Resolution.P1080, "16:9", 10,
                true, false, null, null, null);
        VideoSpec fast = new VideoSpec(VideoModel.WAN27_I2V, "p", null,
                List.of(new MediaItem(MediaType.FIRST_FRAME, "https://example.com/f", null)), Resolution.P720, null, 2, true,
                false, null, null, null);
        assertThat(times.expected(slow)).isSameAs(simulator);
        assertThat(times.expected(fast)).isSameAs(simulator);
    }
}
