package io.wanvideo.gateway.webhook;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event ready to send: the body and the three Standard Webhooks headers that sign it. The body here is
 * exactly the bytes that were signed, so sending {@link #body()} as is keeps the signature valid.
 *
 * @param id the {@code webhook-id}: the same for every attempt at one event, so the receiver can drop repeats
 * @param timestamp the {@code webhook-timestamp}, Unix seconds, when this attempt was signed
 * @param signature the {@code webhook-signature}: one or more space-separated {@code v1,<base64>}
 */
public record SignedWebhook(String id, long timestamp, String signature, byte[] body) {
    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    public SignedWebhook {
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The three headers, in the order the specification lists them. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, id);
        headers.put(TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(SIGNATURE_HEADER, signature);
        return headers;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedWebhook that && id.equals(that.id) && timestamp == that.timestamp
                && signature.equals(that.signature) && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return 31 * signature.hashCode() + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "SignedWebhook[id=" + id + ", timestamp=" + timestamp + ", body=" + body.length + " bytes]";
    }
}
