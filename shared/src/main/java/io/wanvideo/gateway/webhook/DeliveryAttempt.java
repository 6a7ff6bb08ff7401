package io.wanvideo.gateway.webhook;

import java.util.OptionalInt;

/**
 * What one POST of a webhook came to.
 *
 * @param status the HTTP status the receiver answered, empty when no answer arrived
 * @param error why the attempt did not succeed, short and safe to store and show the tenant; null on a 2xx
 * @param elapsedMillis from the start of the attempt to its end, lookup and connection included
 * @param responseExcerpt the start of the receiver's answer body as text (at most the sender's limit), for
 *     the delivery log; empty when there was none
 */
public record DeliveryAttempt(OptionalInt status, String error, long elapsedMillis, String responseExcerpt) {
    /** The receiver answered 2xx: the event is delivered. */
    public boolean succeeded() {
        return status.isPresent() && status.getAsInt() / 100 == 2;
    }
}
