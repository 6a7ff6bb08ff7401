package io.wanvideo.gateway.testing;

import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import java.util.List;

/** Valid requests for tests. */
public final class Specs {
    private Specs() {}

    public static VideoSpec r2v(String prompt) {
        return new VideoSpec(VideoModel.WAN27_R2V, prompt, null,
                List.of(new MediaItem(MediaType.REFERENCE_IMAGE, "https://example.com/cat.png", null)),
                Resolution.P720, "16:9", 5, true, false, null, null, null);
    }

    public static VideoSpec i2v(String prompt) {
        return new VideoSpec(VideoModel.WAN27_I2V, prompt, null,
                List.of(new MediaItem(MediaType.FIRST_FRAME, "https://example.com/frame.png", null)),
                Resolution.P1080, null, 5, true, false, 42L, null, null);
    }
}
