package io.wanvideo.gateway.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A tenant's webhook signing secret in the Standard Webhooks form: {@code whsec_} followed by the standard
 * base64 of the HMAC key. The form is what the tenant pastes into their verifier (OpenAI's
 * {@code client.webhooks.unwrap}, the Standard Webhooks libraries), so it is also what we store.
 *
 * <p>{@link #toString()} never shows the key.
 */
public record WebhookSecret(String value) {
    public static final String PREFIX = "whsec_";
    static final int GENERATED_KEY_BYTES = 32;
    // The Standard Webhooks specification's bounds; its libraries refuse keys outside them.
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;

    /** SecureRandom is thread-safe, and seeding one is the costly part. */
    private static final SecureRandom RANDOM = new SecureRandom();

    public WebhookSecret {
        if (value == null || !value.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " followed by standard base64", null);
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("a webhook secret holds " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
                    + " key bytes, this one " + key.length);
        }
    }

    /** A new secret of 32 random bytes. */
    public static WebhookSecret generate() {
        return generate(RANDOM);
    }

    public static WebhookSecret generate(SecureRandom random) {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        random.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key));
    }

    /** The HMAC key: the bytes the base64 after {@code whsec_} stands for. A fresh copy each call. */
    public byte[] key() {
        return Base64.getDecoder().decode(value.substring(PREFIX.length()));
    }

    @Override
    public String toString() {
        return "WebhookSecret[" + PREFIX + "…]";
    }
}
