package io.wanvideo.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.ProgressEstimator;
import java.util.Map;

/** The public video task object of spec/api.md. */
public record VideoObject(
        @JsonProperty("id") String id,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("object") String object,
        @JsonProperty("model") String model,
        @JsonProperty("status") PublicStatus status,
        @JsonProperty("progress") int progress,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("completed_at") Long completedAt,
        @JsonProperty("expires_at") Long expiresAt,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("seconds") String seconds,
        @JsonProperty("size") String size,
        @JsonProperty("ratio") String ratio,
        @JsonProperty("video_url") String videoUrl,
        @JsonProperty("error") TaskError error,
        @JsonProperty("metadata") Map<String, Object> metadata,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("usage") Usage usage) {

    /**
     * @param nowMs the moment the object describes; progress is estimated for it
     */
    public static VideoObject of(VideoTask task, long nowMs, GenerationTimeModel times) {
        PublicStatus status = task.publicStatus();
        boolean completed = status == PublicStatus.COMPLETED;
        return new VideoObject(task.id(), task.id(), "video", task.model().id(), status, progress(task, nowMs, times),
                task.createdMs() / 1000, task.completedMs() == null ? null : task.completedMs() / 1000,
                completed && task.videoExpiresMs() != null ? task.videoExpiresMs() / 1000 : null,
                task.spec().prompt(), Integer.toString(task.spec().seconds()), task.spec().size().wire(),
                task.spec().ratio(), completed ? task.videoUrl() : null, task.error(),
                completed && task.videoUrl() != null ? Map.of("url", task.videoUrl()) : Map.of(),
                completed ? task.usage() : null);
    }

    /** 100 once terminal; an estimate from elapsed run time while running; never below what was shown before. */
    public static int progress(VideoTask task, long nowMs, GenerationTimeModel times) {
        return switch (task.publicStatus()) {
            case COMPLETED, FAILED -> 100;
            case QUEUED -> task.progressFloor();
            case IN_PROGRESS, UNKNOWN -> {
                double elapsed = task.runOriginMs() == null ? 0 : (nowMs - task.runOriginMs()) / 1000.0;
                yield Math.max(task.progressFloor(), ProgressEstimator.runningPercent(times.expected(task.spec()), elapsed));
            }
        };
    }
}
