package io.wanvideo.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook events per Standard Webhooks (the scheme OpenAI's webhooks use): the signature is
 * {@code v1,} and the base64 of HMAC-SHA256, keyed with the secret's key bytes, over
 * {@code "<webhook-id>.<webhook-timestamp>.<body>"}.
 *
 * <p>Sign each delivery attempt anew with the current time: receivers refuse a timestamp more than five
 * minutes old, so a retry cannot reuse an earlier attempt's headers. The id stays the event's own.
 */
public final class WebhookSigner {
    static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    private static final int MAX_ID_CHARS = 255;

    private WebhookSigner() {}

    public static SignedWebhook sign(WebhookSecret secret, String id, long timestamp, byte[] body) {
        return sign(List.of(secret), id, timestamp, body);
    }

    /**
     * Signs with every secret given, one {@code v1,} signature each: while a tenant rotates its secret, the
     * receiver accepts the event with either the old or the new one.
     */
    public static SignedWebhook sign(List<WebhookSecret> secrets, String id, long timestamp, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret signs a webhook");
        }
        checkId(id);
        if (timestamp < 0) {
            throw new IllegalArgumentException("a webhook timestamp is Unix seconds, not " + timestamp);
        }
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner signatures = new StringJoiner(" ");
        for (WebhookSecret secret : secrets) {
            signatures.add(VERSION + "," + Base64.getEncoder().encodeToString(hmac(secret.key(), prefix, body)));
        }
        return new SignedWebhook(id, timestamp, signatures.toString(), body);
    }

    /** The id travels in a header and inside the signed text: visible ASCII only, so neither can be bent. */
    private static void checkId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS
                || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a webhook id is 1 to " + MAX_ID_CHARS
                    + " visible ASCII characters, not " + id);
        }
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            // Every JDK ships HmacSHA256; reaching this means a broken runtime, not bad input.
            throw new IllegalStateException(HMAC + " is unavailable", e);
        }
    }
}
