package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.testing.SettableClock;
import io.wanvideo.gateway.testing.Specs;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where a finished video is, and until when: the gateway's copy while it is kept, else the upstream's URL while it
 * lives. Times are on a clock the test sets, one millisecond either side of each end.
 */
class VideoViewsTest {
    private static final long CREATED = 1_795_000_000_000L;
    private static final long COMPLETED = CREATED + 300_000;
    private static final long UPSTREAM_EXPIRES = COMPLETED + Duration.ofHours(24).toMillis();
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final long KEPT_UNTIL = COMPLETED + RETENTION.toMillis();
    private static final String UPSTREAM_URL = "https://dashscope-result.example/v.mp4?Expires=1";

    private final SettableClock clock = new SettableClock(COMPLETED);
    private final VideoViews views = new VideoViews(new FixedGenerationTime(new LogNormal(240, 0.4)),
            key -> "https://results.example/" + key + "?signed", RETENTION, clock);

    private static VideoTask.Builder task() {
        return VideoTask.queued("video_01m7z2rknssh48bdryt5pfkfg6", "acme", Specs.r2v("a cat"), CREATED).next();
    }

    private static VideoTask completed(ResultCopy result) {
        return task().state(TaskState.COMPLETED).completedMs(COMPLETED).videoUrl(UPSTREAM_URL)
                .videoExpiresMs(UPSTREAM_EXPIRES).result(result).build();
    }

    private static ResultCopy copied() {
        return new ResultCopy(ResultCopy.COPIED, "results/video_01.mp4", 1, null, null);
    }

    @Test
    void theUpstreamUrlServesUntilItExpires() {
        VideoTask task = completed(null);
        clock.set(UPSTREAM_EXPIRES - 1);
        assertThat(views.videoUrl(task)).contains(UPSTREAM_URL);
        assertThat(views.expired(task)).isFalse();
        clock.set(UPSTREAM_EXPIRES);
        assertThat(views.videoUrl(task)).isEmpty();
        assertThat(views.expired(task)).isTrue();
        assertThat(views.expiresMs(task)).isEqualTo(UPSTREAM_EXPIRES);
    }

    @Test
    void aCopyIsLinkedUntilTheRetentionEndsEvenAfterTheUpstreamUrlExpired() {
        VideoTask task = completed(copied());
        clock.set(KEPT_UNTIL - 1);
        assertThat(views.videoUrl(task)).contains("https://results.example/results/video_01.mp4?signed");
        assertThat(views.expired(task)).isFalse();
        clock.set(KEPT_UNTIL);
        assertThat(views.videoUrl(task)).isEmpty();
        assertThat(views.expired(task)).isTrue();
        assertThat(views.expiresMs(task)).isEqualTo(KEPT_UNTIL);
    }

    @Test
    void aCopyStillPendingPromisesTheRetentionEndButServesTheUpstreamUrl() {
        VideoTask task = completed(ResultCopy.pending(COMPLETED));
        assertThat(views.expiresMs(task)).isEqualTo(KEPT_UNTIL);
        assertThat(views.videoUrl(task)).contains(UPSTREAM_URL);
    }

    @Test
    void aCopyThatFailedLeavesTheUpstreamUrlAndItsExpiry() {
        VideoTask task = completed(new ResultCopy(ResultCopy.FAILED, null, 5, null, "403 from the upstream"));
        assertThat(views.expiresMs(task)).isEqualTo(UPSTREAM_EXPIRES);
        assertThat(views.videoUrl(task)).contains(UPSTREAM_URL);
        clock.set(UPSTREAM_EXPIRES);
        assertThat(views.expired(task)).isTrue();
    }

    @Test
    void aCompletedTaskWithoutAnExpiryHasNoUrlToServe() {
        VideoTask task = task().state(TaskState.COMPLETED).completedMs(COMPLETED).videoUrl(UPSTREAM_URL).build();
        assertThat(views.videoUrl(task)).isEmpty();
        assertThat(views.expired(task)).isTrue();
        assertThat(views.expiresMs(task)).isNull();
    }

    @Test
    void anUnfinishedTaskHasNoUrlAndHasNotExpired() {
        // Even with a URL on the record (it cannot have one, but the state decides).
        for (TaskState state : new TaskState[] {TaskState.QUEUED, TaskState.RUNNING, TaskState.FAILED}) {
            VideoTask task = task().state(state).videoUrl(UPSTREAM_URL).videoExpiresMs(UPSTREAM_EXPIRES).build();
            assertThat(views.videoUrl(task)).as("%s", state).isEmpty();
            assertThat(views.expired(task)).as("%s", state).isFalse();
        }
    }

    @Test
    void theObjectShowsTheUrlAndExpiryOfThisMoment() {
        clock.set(COMPLETED + 1_000);
        VideoObject shown = views.of(completed(copied()));
        assertThat(shown.status()).isEqualTo(PublicStatus.COMPLETED);
        assertThat(shown.videoUrl()).isEqualTo("https://results.example/results/video_01.mp4?signed");
        assertThat(shown.expiresAt()).isEqualTo(KEPT_UNTIL / 1000);
        clock.set(KEPT_UNTIL);
        VideoObject gone = views.of(completed(copied()));
        assertThat(gone.videoUrl()).isNull();
        assertThat(gone.expiresAt()).isEqualTo(KEPT_UNTIL / 1000);
    }

    @Test
    void theObjectEstimatesProgressAtTheClocksTime() {
        VideoTask running = task().state(TaskState.RUNNING).upstreamState(UpstreamState.RUNNING).runOriginMs(CREATED).build();
        clock.set(CREATED + 120_000);
        assertThat(views.of(running).progress()).isEqualTo(44);
        clock.set(CREATED + 240_000);
        assertThat(views.of(running).progress()).isEqualTo(70);
        assertThat(views.videoUrl(running)).isEqualTo(Optional.empty());
    }
}
