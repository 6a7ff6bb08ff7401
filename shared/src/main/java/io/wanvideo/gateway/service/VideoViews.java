package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Tasks as clients see them. Where a finished video is: the gateway's own copy once it has landed (a link made
 * now, short-lived), else the upstream's URL until that expires. When copies are kept, the video lasts until the
 * retention end, and `expires_at` says so.
 */
public final class VideoViews {
    private final GenerationTimeModel times;
    private final ResultLinks links;
    private final Duration resultRetention;
    private final Clock clock;

    /** @param resultRetention how long stored copies are kept (the storage's lifecycle rule) */
    public VideoViews(GenerationTimeModel times, ResultLinks links, Duration resultRetention, Clock clock) {
        this.times = times;
        this.links = links;
        this.resultRetention = resultRetention;
        this.clock = clock;
    }

    public VideoObject of(VideoTask task) {
        long now = clock.millis();
        return VideoObject.of(task, now, times, videoUrl(task, now).orElse(null), expiresMs(task));
    }

    /** Where the finished video can be fetched now; empty before completion, and once no copy is left. */
    public Optional<String> videoUrl(VideoTask task) {
        return videoUrl(task, clock.millis());
    }

    private Optional<String> videoUrl(VideoTask task, long now) {
        if (task.state() != TaskState.COMPLETED) {
            return Optional.empty();
        }
        if (task.result() != null && task.result().copied()) {
            return now < storedUntil(task) ? Optional.of(links.link(task.result().key())) : Optional.empty();
        }
        return task.videoExpiresMs() != null && now < task.videoExpiresMs() ? Optional.ofNullable(task.videoUrl())
                : Optional.empty();
    }

    /** When the video stops being available: the retention end once copied (or while a copy is pending), else the upstream's. */
    public Long expiresMs(VideoTask task) {
        if (task.result() != null && (task.result().copied() || task.result().isPending())) {
            return storedUntil(task);
        }
        return task.videoExpiresMs();
    }

    private long storedUntil(VideoTask task) {
        return task.completedMs() + resultRetention.toMillis();
    }

    /** Whether a completed task's video is gone for good (no copy left, upstream URL expired). */
    public boolean expired(VideoTask task) {
        return task.state() == TaskState.COMPLETED && videoUrl(task).isEmpty();
    }
}
