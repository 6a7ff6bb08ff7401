package io.wanvideo.gateway.model;

/**
 * The completion event of a finished task and how its delivery stands. Recorded in the same write that ends
 * the task (the task item is the outbox), then delivered from the queue with its own retries.
 *
 * @param url            where to send it
 * @param eventId        stable for the event, sent as `webhook-id` on every attempt so receivers can de-duplicate
 * @param type           video.completed or video.failed
 * @param status         pending, delivered or failed (gave up after the last scheduled attempt)
 * @param attempts       attempts made so far
 * @param lastHttpStatus the receiver's status on the last attempt, null when none arrived
 * @param nextAttemptMs  when the next attempt is due; null once delivered or given up
 */
public record WebhookDelivery(String url, String eventId, String type, String status, int attempts, Integer lastHttpStatus,
        Long nextAttemptMs) {
    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public static WebhookDelivery pending(String url, String eventId, String type, long nowMs) {
        return new WebhookDelivery(url, eventId, type, PENDING, 0, null, nowMs);
    }

    public boolean isPending() {
        return PENDING.equals(status);
    }
}
