package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.storage.ObjectKeys;
import io.wanvideo.gateway.storage.ObjectStore;
import io.wanvideo.gateway.storage.ObjectStoreException;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.webhook.DeliveryAttempt;
import io.wanvideo.gateway.webhook.SignedWebhook;
import io.wanvideo.gateway.webhook.WebhookSecret;
import io.wanvideo.gateway.webhook.WebhookSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The steps after a task's end, each from its own message with its own retry schedule, recorded on the task item
 * (which the end's write made their outbox): copying the video into the gateway's storage before the upstream's
 * URL dies, and delivering the signed completion event. Neither ever changes the task's outcome; each only ends
 * delivered (copied) or given up, with the reason recorded.
 */
public final class AfterCompletionSteps implements AfterCompletion {
    private static final Logger LOG = LogManager.getLogger(AfterCompletionSteps.class);
    private static final int WRITE_ATTEMPTS = 5;

    /** Delivers one signed event; the webhook sender in production. */
    @FunctionalInterface
    public interface EventDelivery {
        DeliveryAttempt deliver(String url, SignedWebhook event);
    }

    /**
     * @param copyRetries    delays before each copy attempt (the first usually 0); the copy gives up after the last
     * @param copyLimit      how long one copy may take
     * @param webhookRetries delays before each delivery attempt; given up after the last
     */
    public record Schedules(List<Integer> copyRetries, Duration copyLimit, List<Integer> webhookRetries) {
        // One copy must end well inside the poller function's 60 s timeout (template.yaml): a copy cut off by
        // Lambda is no recorded attempt, only a redelivery after the visibility timeout. 40 s moves a 1080P video
        // (tens of MB) many times over; a copy that needs longer fails, is retried, and the upstream URL is served.
        public static final Schedules DEFAULT = new Schedules(List.of(0, 10, 60, 300, 1800, 7200), Duration.ofSeconds(40),
                List.of(0, 5, 300, 1800, 7200, 18000, 36000, 36000));
    }

    private final TaskStore store;
    private final TaskQueue queue;
    private final ObjectStore objects;
    private final WebhookSecrets secrets;
    private final EventDelivery delivery;
    private final VideoViews views;
    private final Schedules schedules;
    private final Clock clock;

    /** @param objects where copies go; null when results are not copied */
    public AfterCompletionSteps(TaskStore store, TaskQueue queue, ObjectStore objects, WebhookSecrets secrets,
            EventDelivery delivery, VideoViews views, Schedules schedules, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.objects = objects;
        this.secrets = secrets;
        this.delivery = delivery;
        this.views = views;
        this.schedules = schedules;
        this.clock = clock;
    }

    @Override
    public boolean copiesResults() {
        return objects != null;
    }

    @Override
    public void run(String taskId, String step) {
        VideoTask task = store.find(taskId).orElse(null);
        if (task == null || !task.state().terminal()) {
            return;
        }
        switch (step) {
            case TaskFinisher.COPY_RESULT -> copy(task);
            case TaskFinisher.DELIVER_WEBHOOK -> deliver(task);
            default -> LOG.warn("task {}: unknown after-completion step {}", taskId, step);
        }
    }

    @Override
    public void abandon(String taskId, String step, String reason) {
        VideoTask task = store.find(taskId).orElse(null);
        if (task == null || !task.state().terminal()) {
            return;
        }
        switch (step) {
            case TaskFinisher.COPY_RESULT -> {
                VideoTask written = record(task, t -> t.result() != null && t.result().isPending()
                        ? t.next().result(new ResultCopy(ResultCopy.FAILED, null, t.result().attempts(), null, reason)).build()
                        : null);
                if (written != null) {
                    Metrics.count(Metric.RESULT_COPIES, "failed");
                    LOG.error("task {}: video copy given up ({}); clients get the upstream URL until it expires", taskId,
                            reason);
                }
            }
            case TaskFinisher.DELIVER_WEBHOOK -> {
                VideoTask written = record(task, t -> {
                    WebhookDelivery w = t.webhook();
                    return w != null && w.isPending() ? t.next().webhook(new WebhookDelivery(w.url(), w.eventId(), w.type(),
                            WebhookDelivery.FAILED, w.attempts(), w.lastHttpStatus(), null)).build() : null;
                });
                if (written != null) {
                    Metrics.count(Metric.WEBHOOK_DELIVERIES, "failed");
                    LOG.error("task {}: {} delivery given up ({})", taskId, task.webhook().type(), reason);
                }
            }
            default -> LOG.warn("task {}: unknown after-completion step {}", taskId, step);
        }
    }

    // ------------------------------------------------------------------ the result copy

    private void copy(VideoTask task) {
        ResultCopy copy = task.result();
        if (copy == null || !copy.isPending() || objects == null || early(task, copy.nextAttemptMs(), TaskFinisher.COPY_RESULT)) {
            return;
        }
        String key = ObjectKeys.result(task.id());
        ResultCopy next;
        try {
            long size = objects.copyFrom(URI.create(task.videoUrl()), key, schedules.copyLimit()).size();
            next = new ResultCopy(ResultCopy.COPIED, key, copy.attempts() + 1, null, null);
            Metrics.count(Metric.RESULT_COPIES, "copied");
            LOG.info("task {}: video copied ({} bytes)", task.id(), size);
        } catch (ObjectStoreException | IllegalArgumentException e) {
            int attempts = copy.attempts() + 1;
            boolean retry = !(e instanceof ObjectStoreException s) || s.retryable();
            if (retry && attempts < schedules.copyRetries().size()) {
                long due = clock.millis() + schedules.copyRetries().get(attempts) * 1000L;
                next = new ResultCopy(ResultCopy.PENDING, null, attempts, due, e.getMessage());
                Metrics.count(Metric.RESULT_COPIES, "retry");
                LOG.warn("task {}: video copy failed ({}); attempt {} in {} s", task.id(), e.getMessage(), attempts + 1,
                        schedules.copyRetries().get(attempts));
            } else {
                next = new ResultCopy(ResultCopy.FAILED, null, attempts, null, e.getMessage());
                Metrics.count(Metric.RESULT_COPIES, "failed");
                LOG.error("task {}: video copy failed for good after {} attempts: {}; clients get the upstream URL until "
                        + "it expires", task.id(), attempts, e.getMessage());
            }
        }
        ResultCopy recorded = next;
        VideoTask written = record(task, t -> t.result() != null && t.result().isPending()
                && t.result().attempts() == copy.attempts() ? t.next().result(recorded).build() : null);
        if (written != null && recorded.isPending()) {
            queue.send(TaskMessage.effect(written, TaskFinisher.COPY_RESULT), delaySeconds(recorded.nextAttemptMs()));
        }
    }

    // ------------------------------------------------------------------ the completion event

    private void deliver(VideoTask task) {
        WebhookDelivery webhook = task.webhook();
        if (webhook == null || !webhook.isPending() || early(task, webhook.nextAttemptMs(), TaskFinisher.DELIVER_WEBHOOK)) {
            return;
        }
        Optional<WebhookSecret> secret = secrets.forTenant(task.tenant());
        WebhookDelivery next;
        if (secret.isEmpty()) {
            next = new WebhookDelivery(webhook.url(), webhook.eventId(), webhook.type(), WebhookDelivery.FAILED,
                    webhook.attempts(), null, null);
            Metrics.count(Metric.WEBHOOK_DELIVERIES, "no_secret");
            LOG.error("task {}: tenant {} has no webhook signing secret; the {} event is not sent", task.id(), task.tenant(),
                    webhook.type());
        } else {
            long now = clock.millis();
            byte[] body = Json.write(event(task, webhook)).getBytes(StandardCharsets.UTF_8);
            DeliveryAttempt attempt = delivery.deliver(webhook.url(),
                    WebhookSigner.sign(secret.get(), webhook.eventId(), now / 1000, body));
            int attempts = webhook.attempts() + 1;
            Integer status = attempt.status().isPresent() ? attempt.status().getAsInt() : null;
            if (attempt.succeeded()) {
                next = new WebhookDelivery(webhook.url(), webhook.eventId(), webhook.type(), WebhookDelivery.DELIVERED,
                        attempts, status, null);
                Metrics.count(Metric.WEBHOOK_DELIVERIES, "delivered");
                LOG.info("task {}: {} delivered on attempt {} ({})", task.id(), webhook.type(), attempts, status);
            } else if (attempts < schedules.webhookRetries().size()) {
                long due = now + schedules.webhookRetries().get(attempts) * 1000L;
                next = new WebhookDelivery(webhook.url(), webhook.eventId(), webhook.type(), WebhookDelivery.PENDING,
                        attempts, status, due);
                Metrics.count(Metric.WEBHOOK_DELIVERIES, "retry");
                LOG.warn("task {}: {} delivery attempt {} failed ({}); next in {} s", task.id(), webhook.type(), attempts,
                        attempt.error(), schedules.webhookRetries().get(attempts));
            } else {
                next = new WebhookDelivery(webhook.url(), webhook.eventId(), webhook.type(), WebhookDelivery.FAILED,
                        attempts, status, null);
                Metrics.count(Metric.WEBHOOK_DELIVERIES, "failed");
                LOG.error("task {}: {} not delivered after {} attempts; last: {}", task.id(), webhook.type(), attempts,
                        attempt.error());
            }
        }
        WebhookDelivery recorded = next;
        VideoTask written = record(task, t -> t.webhook() != null && t.webhook().isPending()
                && t.webhook().attempts() == webhook.attempts() ? t.next().webhook(recorded).build() : null);
        if (written != null && recorded.isPending()) {
            queue.send(TaskMessage.effect(written, TaskFinisher.DELIVER_WEBHOOK), delaySeconds(recorded.nextAttemptMs()));
        }
    }

    /**
     * The event, as OpenAI's webhooks shape it ({@code client.webhooks.unwrap} reads it), with the whole task object as
     * its data rather than only its id: a receiver has what it needs without calling back.
     */
    private Map<String, Object> event(VideoTask task, WebhookDelivery webhook) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", webhook.eventId());
        event.put("object", "event");
        event.put("created_at", (task.completedMs() == null ? clock.millis() : task.completedMs()) / 1000);
        event.put("type", webhook.type());
        event.put("data", views.of(task));
        return event;
    }

    // ------------------------------------------------------------------ shared

    /** A message that arrived before its step is due (SQS caps delays at 15 minutes) is sent back to wait. */
    private boolean early(VideoTask task, Long dueMs, String step) {
        if (dueMs != null && dueMs - clock.millis() > 1000) {
            queue.send(TaskMessage.effect(task, step), delaySeconds(dueMs));
            return true;
        }
        return false;
    }

    private int delaySeconds(Long dueMs) {
        return dueMs == null ? 0 : (int) Math.max(0, (dueMs - clock.millis() + 999) / 1000);
    }

    /**
     * Writes one step's outcome. The steps of a task run side by side and each writes only its own part, so a write
     * that lost the race to the other step is re-applied on the task as it now is.
     *
     * @param change the next version, or null when the step's outcome no longer applies (already recorded)
     */
    private VideoTask record(VideoTask task, UnaryOperator<VideoTask> change) {
        VideoTask current = task;
        for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
            VideoTask next = change.apply(current);
            if (next == null || current.state() != TaskState.COMPLETED && current.state() != TaskState.FAILED) {
                return null;
            }
            try {
                return store.transition(current, next);
            } catch (StaleTaskException e) {
                current = store.find(task.id()).orElse(null);
                if (current == null) {
                    return null;
                }
            }
        }
        throw new IllegalStateException("task " + task.id() + ": the after-completion step's outcome could not be recorded");
    }
}
