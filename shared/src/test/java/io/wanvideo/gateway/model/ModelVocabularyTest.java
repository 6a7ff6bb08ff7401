package io.wanvideo.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.json.Json;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire names of models, sizes and media types, read and written as the API and the task records spell them. */
class ModelVocabularyTest {
    @Test
    void modelsHaveTheirIdsFamiliesAndSlotPools() {
        assertThat(VideoModel.values()).extracting(VideoModel::id)
                .containsExactly("wan2.7-r2v", "wan2.7-i2v", "wan2.7-i2v-2026-04-25");
        assertThat(VideoModel.values()).extracting(VideoModel::family)
                .containsExactly(ModelFamily.R2V, ModelFamily.I2V, ModelFamily.I2V);
        assertThat(VideoModel.values()).extracting(VideoModel::slotPool)
                .containsExactly("wan2.7-r2v", "wan2.7-i2v", "wan2.7-i2v");
        assertThat(VideoModel.slotPools()).containsExactly("wan2.7-r2v", "wan2.7-i2v");
        assertThat(VideoModel.idList()).isEqualTo("wan2.7-r2v, wan2.7-i2v, wan2.7-i2v-2026-04-25");
        assertThat(VideoModel.byId("wan2.7-i2v-2026-04-25")).contains(VideoModel.WAN27_I2V_20260425);
        assertThat(VideoModel.byId("WAN2.7-R2V")).isEmpty();
    }

    @Test
    void modelsSizesAndMediaTypesAreWrittenAndReadByTheirWireNames() {
        assertThat(Json.write(List.of(VideoModel.WAN27_R2V, Resolution.P720, MediaType.DRIVING_AUDIO, PublicStatus.IN_PROGRESS)))
                .isEqualTo("[\"wan2.7-r2v\",\"720P\",\"driving_audio\",\"in_progress\"]");
        assertThat(Json.read("\"wan2.7-i2v\"", VideoModel.class)).isEqualTo(VideoModel.WAN27_I2V);
        assertThat(Json.read("\"1080p\"", Resolution.class)).isEqualTo(Resolution.P1080);
        assertThat(Json.read("\"first_clip\"", MediaType.class)).isEqualTo(MediaType.FIRST_CLIP);
        for (Class<?> type : List.of(VideoModel.class, Resolution.class, MediaType.class)) {
            assertThatThrownBy(() -> Json.read("\"sora-2\"", type)).as(type.getSimpleName())
                    .isInstanceOf(UncheckedIOException.class).hasMessageContaining("unknown").hasMessageContaining("sora-2");
        }
    }

    @Test
    void sizesAreReadInAnyCaseAroundSpaces() {
        assertThat(Resolution.parse(" 720p ")).contains(Resolution.P720);
        assertThat(Resolution.parse("1080P")).contains(Resolution.P1080);
        assertThat(Resolution.parse("480P")).isEmpty();
        assertThat(Resolution.P1080.wire()).isEqualTo("1080P");
    }

    @Test
    void eachMediaTypeBelongsToItsFamilies() {
        assertThat(MediaType.values()).extracting(MediaType::wire).containsExactly("reference_image", "reference_video",
                "first_frame", "last_frame", "driving_audio", "first_clip");
        assertThat(MediaType.values()).filteredOn(t -> t.acceptedBy(ModelFamily.R2V))
                .containsExactly(MediaType.REFERENCE_IMAGE, MediaType.REFERENCE_VIDEO, MediaType.FIRST_FRAME);
        assertThat(MediaType.values()).filteredOn(t -> t.acceptedBy(ModelFamily.I2V))
                .containsExactly(MediaType.FIRST_FRAME, MediaType.LAST_FRAME, MediaType.DRIVING_AUDIO, MediaType.FIRST_CLIP);
        assertThat(MediaType.values()).filteredOn(MediaType::isImage)
                .containsExactly(MediaType.REFERENCE_IMAGE, MediaType.FIRST_FRAME, MediaType.LAST_FRAME);
        assertThat(MediaType.values()).filteredOn(MediaType::isReference)
                .containsExactly(MediaType.REFERENCE_IMAGE, MediaType.REFERENCE_VIDEO);
        assertThat(MediaType.byWire("Reference_Image")).isEmpty();
    }

    @Test
    void aMediaItemHasAUrlOrAStoredInputNeverBoth() {
        MediaItem item = new MediaItem(MediaType.REFERENCE_IMAGE, "data:image/png;base64,AAAA", "https://e/v.mp3");
        assertThat(item.stored("inputs/video_1/0")).isEqualTo(
                new MediaItem(MediaType.REFERENCE_IMAGE, null, "https://e/v.mp3", "inputs/video_1/0"));
        assertThat(Json.write(item.stored("k"))).isEqualTo("{\"type\":\"reference_image\",\"reference_voice\":\"https://e/v.mp3\",\"input_key\":\"k\"}");
        for (Runnable bad : new Runnable[] {
                () -> new MediaItem(null, "https://e/a.png", null),
                () -> new MediaItem(MediaType.FIRST_FRAME, null, null),
                () -> new MediaItem(MediaType.FIRST_FRAME, "https://e/a.png", null, "k")}) {
            assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("media item needs a type and either a url or a stored input");
        }
    }

    @Test
    void copiesAndDeliveriesStartPending() {
        ResultCopy copy = ResultCopy.pending(42);
        assertThat(copy).isEqualTo(new ResultCopy("pending", null, 0, 42L, null));
        assertThat(copy.isPending()).isTrue();
        assertThat(copy.copied()).isFalse();
        assertThat(new ResultCopy("copied", "k", 1, null, null).copied()).isTrue();
        assertThat(new ResultCopy("copied", "k", 1, null, null).isPending()).isFalse();
        assertThat(new ResultCopy("copied", null, 1, null, null).copied()).as("no key").isFalse();
        assertThat(new ResultCopy("failed", "k", 5, null, "e").copied()).isFalse();

        WebhookDelivery delivery = WebhookDelivery.pending("https://h.example", "evt_1", "video.failed", 42);
        assertThat(delivery).isEqualTo(new WebhookDelivery("https://h.example", "evt_1", "video.failed", "pending", 0, null, 42L));
        assertThat(delivery.isPending()).isTrue();
        assertThat(new WebhookDelivery("u", "e", "t", WebhookDelivery.DELIVERED, 1, 200, null).isPending()).isFalse();
    }

    @Test
    void usageTakesACost() {
        assertThat(new Usage(3, 5, 8, null).withCost(1.2)).isEqualTo(new Usage(3, 5, 8, 1.2));
        assertThat(Json.write(new Usage(3, 5, 8, null))).isEqualTo("{\"input_video_seconds\":3.0,\"output_video_seconds\":5.0,\"billed_seconds\":8.0}");
    }
}
