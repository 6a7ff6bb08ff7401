package io.wanvideo.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.ProgressEstimator;
import java.util.Map;

/** The public video task object of spec/api.md (and OpenAI's video object). */
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
        @JsonProperty("remixed_from_video_id") String remixedFromVideoId,
        @JsonProperty("video_url") String videoUrl,
        @JsonProperty("error") TaskError error,
        @JsonProperty("metadata") Map<String, Object> metadata,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("usage") Usage usage,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("webhook") Webhook webhook) {

    /** How the completion event's delivery stands. */
    public record Webhook(@JsonProperty("status") String status, @JsonProperty("attempts") int attempts,
            @JsonProperty("last_http_status") Integer lastHttpStatus) {
        static Webhook of(WebhookDelivery delivery) {
            return delivery == null ? null : new Webhook(delivery.status(), delivery.attempts(), delivery.lastHttpStatus());
        }
    }

    /**
     * @param nowMs     the moment the object describes; progress is estimated for it
     * @param videoUrl  where the finished video can be fetched now (null before completion or once gone)
     * @param expiresMs when that stops being possible
     */
    public static VideoObject of(VideoTask task, long nowMs, GenerationTimeModel times, String videoUrl, Long expiresMs) {
        PublicStatus status = task.publicStatus();
        boolean completed = status == PublicStatus.COMPLETED;
        String url = completed ? videoUrl : null;
        return new VideoObject(task.id(), task.id(), "video", task.model().id(), status, progress(task, nowMs, times),
                task.createdMs() / 1000, task.completedMs() == null ? null : task.completedMs() / 1000,
                completed && expiresMs != null ? expiresMs / 1000 : null,
                task.spec().prompt(), Integer.toString(task.spec().seconds()), task.spec().sizeShown(),
                task.spec().ratio(), null, url, task.error(), url != null ? Map.of("url", url) : Map.of(),
                completed ? task.usage() : null, Webhook.of(task.webhook()));
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
