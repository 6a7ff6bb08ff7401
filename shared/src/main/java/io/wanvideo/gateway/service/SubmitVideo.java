package io.wanvideo.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** POST /v1/videos: validate, store the task queued, put it on the poll queue. */
public final class SubmitVideo {
    private static final Logger LOG = LogManager.getLogger(SubmitVideo.class);
    /**
     * DynamoDB items stop at 400 KB. The request is stored with the task, so inline media beyond this is
     * refused (413) rather than half-written.
     */
    public static final int MAX_STORED_REQUEST_BYTES = 350_000;

    private final VideoRequestValidator validator = new VideoRequestValidator();
    private final TaskStore store;
    private final TaskQueue queue;
    private final TaskIds ids;
    private final GenerationTimeModel times;
    private final Clock clock;

    public SubmitVideo(TaskStore store, TaskQueue queue, GenerationTimeModel times, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.times = times;
        this.clock = clock;
        this.ids = new TaskIds(clock);
    }

    public VideoObject submit(String tenant, JsonNode body) {
        VideoSpec spec = validator.validate(body);
        refuseUnstorable(spec);
        VideoTask task = VideoTask.queued(ids.next(), tenant, spec, clock.millis());
        store.create(task);
        try {
            queue.send(TaskMessage.advance(task), 0);
        } catch (RuntimeException e) {
            LOG.error("could not enqueue task {}", task.id(), e);
            // The client is about to hear that nothing was created; make that true. If the task moved on
            // anyway, the message did arrive, and the task is reported as it stands.
            if (store.deleteIfUnchanged(task)) {
                throw ApiError.unavailable("The task could not be queued and was not created. Retry the request.");
            }
            task = store.find(task.id()).orElseThrow(() -> e);
        }
        LOG.info("task {} queued for tenant {} ({}, {}s, {})", task.id(), tenant, spec.model().id(), spec.seconds(),
                spec.size().wire());
        return VideoObject.of(task, clock.millis(), times);
    }

    private static void refuseUnstorable(VideoSpec spec) {
        int bytes = Json.write(spec).getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= MAX_STORED_REQUEST_BYTES) {
            return;
        }
        int largest = 0;
        for (int i = 1; i < spec.media().size(); i++) {
            if (spec.media().get(i).url().length() > spec.media().get(largest).url().length()) {
                largest = i;
            }
        }
        MediaItem item = spec.media().isEmpty() ? null : spec.media().get(largest);
        String param = item == null ? null : "media[" + largest + "].url";
        throw ApiError.payloadTooLarge(param, "The request is " + bytes / 1000 + " KB once stored; the limit is "
                + MAX_STORED_REQUEST_BYTES / 1000 + " KB. Host large inline media at an https:// or oss:// URL instead.");
    }
}
