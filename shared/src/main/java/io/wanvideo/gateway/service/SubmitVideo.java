package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.logging.LogContext;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.IdempotencyClaim;
import io.wanvideo.gateway.store.IdempotencyKeyTakenException;
import io.wanvideo.gateway.store.QuotaExceededException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * POST /v1/videos: validate, store the task queued (within the tenant's limits, claiming its idempotency key in
 * the same transaction), nudge the poller. The task is in the backlog once stored: the message only starts it
 * sooner, and a lost message costs at most a sweep interval, never the task.
 */
public final class SubmitVideo {
    private static final Logger LOG = LogManager.getLogger(SubmitVideo.class);
    /** How long an idempotency key's first request is replayed. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final VideoRequestValidator validator;
    private final TaskStore store;
    private final TaskQueue queue;
    private final StoredInputs inputs;
    private final VideoViews views;
    private final TaskIds ids;
    private final Clock clock;

    public SubmitVideo(VideoRequestValidator validator, TaskStore store, TaskQueue queue, StoredInputs inputs,
            VideoViews views, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.queue = queue;
        this.inputs = inputs;
        this.views = views;
        this.clock = clock;
        this.ids = new TaskIds(clock);
    }

    /** @param replayed the answer is the task an earlier request with the same idempotency key created */
    public record Submitted(VideoObject video, boolean replayed) {}

    /**
     * @param idempotencyKey the client's Idempotency-Key, or null
     * @throws QuotaExceededException        the tenant is at one of its limits (nothing written)
     * @throws IdempotencyConflictException  the key was used for a different request
     * @throws SubmitOutcomeUnknownException storing failed in a way that leaves the outcome unknown
     */
    public Submitted submit(Caller caller, JsonNode body, String idempotencyKey) {
        VideoSpec spec = validator.validate(body);
        if (spec.webhookUrl() == null && caller.policy().webhookUrl() != null) {
            spec = spec.withWebhookUrl(caller.policy().webhookUrl());
        }
        String keyHash = idempotencyKey == null ? null : ApiKeys.hash(idempotencyKey);
        // Hash the validated request, so the same request in either encoding, or with aliases, counts as the same.
        String requestHash = keyHash == null ? null : ApiKeys.hash(Json.write(spec));
        if (keyHash != null) {
            Optional<Submitted> earlier = replay(caller.tenant(), keyHash, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        long now = clock.millis();
        String id = ids.next(now);
        LogContext.task(id);
        VideoTask task = VideoTask.queued(id, caller.tenant(), inputs.store(id, spec), now, caller.policy().fairStep());
        IdempotencyClaim claim = keyHash == null ? null : new IdempotencyClaim(caller.tenant(), keyHash, requestHash, id,
                now + IDEMPOTENCY_WINDOW.toMillis());
        try {
            store.create(task, new Admission(caller.policy().maxWaiting(), caller.policy().submitsPerMinute(), claim));
        } catch (IdempotencyKeyTakenException raced) {
            inputs.discard(task.spec());
            return replay(caller.tenant(), keyHash, requestHash).orElseThrow(() ->
                    new SubmitOutcomeUnknownException(true, raced));
        } catch (QuotaExceededException refused) {
            inputs.discard(task.spec());
            throw refused;
        } catch (RuntimeException e) {
            LOG.error("storing task {} failed; whether it was stored is unknown", id, e);
            throw new SubmitOutcomeUnknownException(keyHash != null, e);
        }
        try {
            queue.send(TaskMessage.advance(task), 0);
        } catch (RuntimeException e) {
            // The task is stored and in the backlog: the sweep starts it within its interval.
            LOG.warn("task {} stored but its start message could not be sent; the sweep will start it: {}", id, e.toString());
        }
        Metrics.count(Metric.TASKS_SUBMITTED, spec.model().id());
        LOG.info("task {} queued for tenant {} ({}, {}s, {})", id, caller.tenant(), spec.model().id(), spec.seconds(),
                spec.size().wire());
        return new Submitted(views.of(task), false);
    }

    private Optional<Submitted> replay(String tenant, String keyHash, String requestHash) {
        Optional<IdempotencyClaim> claim = store.idempotencyClaim(tenant, keyHash);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        if (!claim.get().requestHash().equals(requestHash)) {
            throw new IdempotencyConflictException("This Idempotency-Key was already used with a different request "
                    + "in the last 24 hours; use a new key for a new request.");
        }
        VideoTask first = store.find(claim.get().taskId()).orElseThrow(() -> new IdempotencyConflictException(
                "This Idempotency-Key created a task that has since been deleted; use a new key."));
        return Optional.of(new Submitted(views.of(first), true));
    }
}
