package io.wanvideo.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The normalised request: immutable, shown as the client sized it, and stored as JSON that reads back the same. */
class VideoSpecTest {
    private static final MediaItem IMAGE = new MediaItem(MediaType.REFERENCE_IMAGE, "https://e/1.png", null);
    private static final MediaItem VIDEO = new MediaItem(MediaType.REFERENCE_VIDEO, "https://e/1.mp4", "https://e/v.mp3");

    private static VideoSpec spec(List<MediaItem> media, String sizeLabel) {
        return new VideoSpec(VideoModel.WAN27_R2V, "Image 1 waves", "blurry", media, Resolution.P720, "9:16", 7, false, true,
                42L, sizeLabel, "https://h.example/x");
    }

    @Test
    void itsMediaCannotChangeUnderIt() {
        List<MediaItem> media = new ArrayList<>(List.of(IMAGE));
        VideoSpec spec = spec(media, null);
        media.add(VIDEO);
        assertThat(spec.media()).containsExactly(IMAGE);
        assertThatThrownBy(() -> spec.media().add(VIDEO)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theSizeShownIsTheClientsWxhFormElseTheTier() {
        assertThat(spec(List.of(IMAGE), null).sizeShown()).isEqualTo("720P");
        assertThat(spec(List.of(IMAGE), "720x1280").sizeShown()).isEqualTo("720x1280");
    }

    @Test
    void itCountsAndFindsMediaByType() {
        VideoSpec spec = spec(List.of(IMAGE, VIDEO, IMAGE), null);
        assertThat(spec.count(MediaType.REFERENCE_IMAGE)).isEqualTo(2);
        assertThat(spec.count(MediaType.REFERENCE_VIDEO)).isEqualTo(1);
        assertThat(spec.count(MediaType.FIRST_FRAME)).isZero();
        assertThat(spec.has(MediaType.REFERENCE_VIDEO)).isTrue();
        assertThat(spec.has(MediaType.FIRST_FRAME)).isFalse();
    }

    @Test
    void replacingTheMediaOrTheWebhookKeepsEverythingElse() {
        VideoSpec spec = spec(List.of(IMAGE), "720x1280");
        MediaItem stored = IMAGE.stored("inputs/1");
        assertThat(spec.withMedia(List.of(stored))).isEqualTo(new VideoSpec(VideoModel.WAN27_R2V, "Image 1 waves", "blurry",
                List.of(stored), Resolution.P720, "9:16", 7, false, true, 42L, "720x1280", "https://h.example/x"));
        assertThat(spec.withWebhookUrl("https://h.example/tenant")).isEqualTo(new VideoSpec(VideoModel.WAN27_R2V,
                "Image 1 waves", "blurry", List.of(IMAGE), Resolution.P720, "9:16", 7, false, true, 42L, "720x1280",
                "https://h.example/tenant"));
    }

    @Test
    void itIsStoredAsJsonThatReadsBackTheSame() {
        VideoSpec spec = spec(List.of(IMAGE, VIDEO.stored("inputs/2")), "720x1280");
        String json = Json.write(spec);
        assertThat(json).isEqualTo("{\"model\":\"wan2.7-r2v\",\"prompt\":\"Image 1 waves\",\"negative_prompt\":\"blurry\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://e/1.png\"},{\"type\":\"reference_video\","
                + "\"reference_voice\":\"https://e/v.mp3\",\"input_key\":\"inputs/2\"}],\"size\":\"720P\",\"ratio\":\"9:16\","
                + "\"seconds\":7,\"prompt_extend\":false,\"watermark\":true,\"seed\":42,\"size_label\":\"720x1280\","
                + "\"webhook_url\":\"https://h.example/x\"}");
        assertThat(Json.read(json, VideoSpec.class)).isEqualTo(spec);
    }
}
