package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.testing.Specs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The task object of spec/api.md, field by field, for a task in each public status. */
class VideoObjectTest {
    private static final long CREATED = 1_795_265_679_999L;
    private static final GenerationTimeModel TIMES = new FixedGenerationTime(new LogNormal(240, 0.4));
    private static final VideoSpec SPEC = new VideoSpec(VideoModel.WAN27_R2V, "a cat", null, Specs.r2v("a").media(),
            Specs.r2v("a").size(), "9:16", 8, true, false, null, "720x1280", null);
    private static final VideoTask QUEUED = VideoTask.queued("video_01m7z2rknssh48bdryt5pfkfg6", "acme", SPEC, CREATED);

    @Test
    void aQueuedTaskShowsWhatWasAskedForAndNothingYet() {
        VideoObject shown = VideoObject.of(QUEUED, CREATED + 5_000, TIMES, "https://ignored.example", 1L);
        assertThat(shown).isEqualTo(new VideoObject("video_01m7z2rknssh48bdryt5pfkfg6", "video_01m7z2rknssh48bdryt5pfkfg6", "video",
                "wan2.7-r2v", PublicStatus.QUEUED, 0, 1_795_265_679L, null, null, "a cat", "8", "720x1280", "9:16", null, null, null,
                Map.of(), null, null));
        assertThat(Json.write(shown)).isEqualTo("{\"id\":\"video_01m7z2rknssh48bdryt5pfkfg6\",\"task_id\":\"video_01m7z2rknssh48bdryt5pfkfg6\","
                + "\"object\":\"video\",\"model\":\"wan2.7-r2v\",\"status\":\"queued\",\"progress\":0,\"created_at\":1795265679,"
                + "\"completed_at\":null,\"expires_at\":null,\"prompt\":\"a cat\",\"seconds\":\"8\",\"size\":\"720x1280\","
                + "\"ratio\":\"9:16\",\"remixed_from_video_id\":null,\"video_url\":null,\"error\":null,\"metadata\":{}}");
    }

    @Test
    void aCompletedTaskShowsItsVideoUntilWhenAndItsUsage() {
        Usage usage = new Usage(0, 8, 8, 0.8);
        VideoTask done = QUEUED.next().state(TaskState.COMPLETED).completedMs(CREATED + 301_500).usage(usage).build();
        VideoObject shown = VideoObject.of(done, CREATED + 400_000, TIMES, "https://v.example/1.mp4", CREATED + 86_400_999L);
        assertThat(shown.status()).isEqualTo(PublicStatus.COMPLETED);
        assertThat(shown.progress()).isEqualTo(100);
        assertThat(shown.completedAt()).isEqualTo((CREATED + 301_500) / 1000);
        assertThat(shown.expiresAt()).isEqualTo((CREATED + 86_400_999L) / 1000);
        assertThat(shown.videoUrl()).isEqualTo("https://v.example/1.mp4");
        assertThat(shown.metadata()).isEqualTo(Map.of("url", "https://v.example/1.mp4"));
        assertThat(shown.usage()).isEqualTo(usage);
        // Once the video is gone: no URL, and the moment it went.
        VideoObject gone = VideoObject.of(done, CREATED + 400_000, TIMES, null, CREATED + 86_400_999L);
        assertThat(gone.videoUrl()).isNull();
        assertThat(gone.metadata()).isEqualTo(Map.of());
        assertThat(gone.expiresAt()).isEqualTo((CREATED + 86_400_999L) / 1000);
        assertThat(VideoObject.of(done, CREATED, TIMES, null, null).expiresAt()).isNull();
    }

    @Test
    void aFailedTaskShowsItsErrorAndNoVideo() {
        TaskError error = new TaskError("DataInspectionFailed", "The input did not pass inspection.");
        VideoTask failed = QUEUED.next().state(TaskState.FAILED).completedMs(CREATED + 2_000).error(error)
                .usage(new Usage(0, 0, 0, null)).build();
        VideoObject shown = VideoObject.of(failed, CREATED + 3_000, TIMES, "https://v.example/1.mp4", CREATED + 9_000);
        assertThat(shown.status()).isEqualTo(PublicStatus.FAILED);
        assertThat(shown.progress()).isEqualTo(100);
        assertThat(shown.error()).isEqualTo(error);
        assertThat(shown.completedAt()).isEqualTo((CREATED + 2_000) / 1000);
        assertThat(shown.videoUrl()).isNull();
        assertThat(shown.expiresAt()).isNull();
        assertThat(shown.usage()).isNull();
        assertThat(shown.metadata()).isEqualTo(Map.of());
    }

    @Test
    void progressIsEstimatedWhileRunningAndNeverFallsBelowWhatWasShown() {
        VideoTask running = QUEUED.next().state(TaskState.RUNNING).upstreamState(UpstreamState.RUNNING).runOriginMs(CREATED).build();
        assertThat(VideoObject.progress(running, CREATED + 120_000, TIMES)).isEqualTo(44);
        assertThat(VideoObject.progress(running.next().progressFloor(60).build(), CREATED + 120_000, TIMES)).isEqualTo(60);
        VideoTask unknown = running.next().upstreamState(UpstreamState.UNRECOGNISED).build();
        assertThat(VideoObject.of(unknown, CREATED + 240_000, TIMES, null, null).progress()).isEqualTo(70);
        VideoTask notStarted = QUEUED.next().state(TaskState.RUNNING).upstreamState(UpstreamState.RUNNING).progressFloor(3).build();
        assertThat(VideoObject.progress(notStarted, CREATED + 120_000, TIMES)).isEqualTo(3);
        assertThat(VideoObject.progress(QUEUED.next().progressFloor(12).build(), CREATED, TIMES)).as("queued").isEqualTo(12);
    }

    @Test
    void theWebhooksDeliveryIsShownOnceThereIsOne() {
        VideoTask hooked = QUEUED.next().webhook(new WebhookDelivery("https://h.example", "evt_1", "video.completed",
                WebhookDelivery.FAILED, 5, 503, null)).build();
        assertThat(VideoObject.of(hooked, CREATED, TIMES, null, null).webhook()).isEqualTo(new VideoObject.Webhook("failed", 5, 503));
        assertThat(Json.write(VideoObject.of(hooked, CREATED, TIMES, null, null)))
                .endsWith("\"metadata\":{},\"webhook\":{\"status\":\"failed\",\"attempts\":5,\"last_http_status\":503}}");
    }
}
