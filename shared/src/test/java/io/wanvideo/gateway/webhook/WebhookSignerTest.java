package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our signatures against the Standard Webhooks reference verifier ({@code com.standardwebhooks}), which is
 * what the receivers' libraries implement. The reference refuses timestamps more than five minutes from its
 * clock, so events here are signed "now" and tampered timestamps stay within that window: a refusal is then
 * the signature's doing.
 */
class WebhookSignerTest {
    private static final byte[] BODY = """
            {"type":"video.completed","data":{"id":"video_01kaexamp1e000000000000000","status":"completed"}}"""
            .getBytes(StandardCharsets.UTF_8);

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /** The header map the reference verifier reads. */
    private static Map<String, List<String>> headers(SignedWebhook signed) {
        return signed.headers().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void theSpecificationsExampleSignsAsPublished() {
        // The example of the Standard Webhooks specification and its libraries' tests.
        WebhookSecret secret = new WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        SignedWebhook signed = WebhookSigner.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertThat(signed.signature()).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWhatTheReferenceImplementationSigns() throws Exception {
        WebhookSecret secret = WebhookSecret.generate();
        long timestamp = now();
        SignedWebhook signed = WebhookSigner.sign(secret, "evt_01kaexamp1e", timestamp, BODY);

        assertThat(signed.signature()).isEqualTo(new Webhook(secret.value()).sign("evt_01kaexamp1e", timestamp, text(BODY)));
    }

    @Test
    void theReferenceVerifierAcceptsEverySignatureWeMake() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 50; i++) {
            WebhookSecret secret = WebhookSecret.generate(random);
            byte[] body = ("{\"n\":" + i + ",\"text\":\"caf\u00e9 \u2603 " + "x".repeat(i * 7) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            SignedWebhook signed = WebhookSigner.sign(secret, "evt_" + i, now(), body);

            assertThatNoException().as("event %d", i)
                    .isThrownBy(() -> new Webhook(secret.value()).verify(text(signed.body()), headers(signed)));
        }
    }

    @Test
    void headersAreTheThreeOfTheSpecification() {
        SignedWebhook signed = WebhookSigner.sign(WebhookSecret.generate(), "evt_1", 1763700000L, BODY);

        assertThat(signed.headers()).containsOnlyKeys("webhook-id", "webhook-timestamp", "webhook-signature");
        assertThat(signed.headers().get("webhook-id")).isEqualTo("evt_1");
        assertThat(signed.headers().get("webhook-timestamp")).isEqualTo("1763700000");
        assertThat(signed.headers().get("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}=");
        assertThat(signed.body()).isEqualTo(BODY);
    }

    @Test
    void aTamperedBodyIsRefused() {
        WebhookSecret secret = WebhookSecret.generate();
        SignedWebhook signed = WebhookSigner.sign(secret, "evt_1", now(), BODY);
        String tampered = text(BODY).replace("completed\"}", "failed\"}");

        assertThatThrownBy(() -> new Webhook(secret.value()).verify(tampered, headers(signed)))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(secret.value()).verify(text(BODY) + " ", headers(signed)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void aTamperedTimestampIsRefused() {
        WebhookSecret secret = WebhookSecret.generate();
        long timestamp = now();
        SignedWebhook signed = WebhookSigner.sign(secret, "evt_1", timestamp, BODY);

        assertThatThrownBy(() -> new Webhook(secret.value()).verify(text(BODY),
                headers("evt_1", timestamp - 1, signed.signature())))
                .isInstanceOf(WebhookVerificationException.class);
        // The same signature with the true timestamp passes: the refusal above was the signature's.
        assertThatNoException().isThrownBy(() -> new Webhook(secret.value()).verify(text(BODY),
                headers("evt_1", timestamp, signed.signature())));
    }

    @Test
    void aTamperedIdIsRefused() {
        WebhookSecret secret = WebhookSecret.generate();
        long timestamp = now();
        SignedWebhook signed = WebhookSigner.sign(secret, "evt_1", timestamp, BODY);

        assertThatThrownBy(() -> new Webhook(secret.value()).verify(text(BODY),
                headers("evt_2", timestamp, signed.signature())))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void anotherSecretDoesNotVerify() {
        SignedWebhook signed = WebhookSigner.sign(WebhookSecret.generate(), "evt_1", now(), BODY);

        assertThatThrownBy(() -> new Webhook(WebhookSecret.generate().value()).verify(text(BODY), headers(signed)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void whileASecretRotatesEitherSecretVerifies() {
        WebhookSecret old = WebhookSecret.generate();
        WebhookSecret fresh = WebhookSecret.generate();
        SignedWebhook signed = WebhookSigner.sign(List.of(old, fresh), "evt_1", now(), BODY);

        assertThat(signed.signature()).matches("v1,\\S+ v1,\\S+");
        assertThatNoException().isThrownBy(() -> new Webhook(old.value()).verify(text(BODY), headers(signed)));
        assertThatNoException().isThrownBy(() -> new Webhook(fresh.value()).verify(text(BODY), headers(signed)));
        assertThatThrownBy(() -> new Webhook(WebhookSecret.generate().value()).verify(text(BODY), headers(signed)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void aGeneratedSecretIsWhsecAndTheBase64OfThirtyTwoRandomBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            WebhookSecret secret = WebhookSecret.generate();
            assertThat(secret.value()).matches("whsec_[A-Za-z0-9+/]{43}=");
            assertThat(secret.key()).hasSize(32)
                    .isEqualTo(Base64.getDecoder().decode(secret.value().substring("whsec_".length())));
            seen.add(secret.value());
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void aSecretNeverShowsItsKey() {
        WebhookSecret secret = WebhookSecret.generate();

        assertThat(secret.toString()).doesNotContain(secret.value().substring(6, 12)).isEqualTo("WebhookSecret[whsec_…]");
    }

    @Test
    void aSecretHoldsTwentyFourToSixtyFourKeyBytes() {
        for (int bytes : new int[] {24, 64}) {
            String value = "whsec_" + Base64.getEncoder().encodeToString(new byte[bytes]);
            assertThat(new WebhookSecret(value).key()).hasSize(bytes);
        }
        for (int bytes : new int[] {23, 65}) {
            String value = "whsec_" + Base64.getEncoder().encodeToString(new byte[bytes]);
            assertThatThrownBy(() -> new WebhookSecret(value)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a webhook secret holds 24 to 64 key bytes, this one " + bytes);
        }
        assertThatThrownBy(() -> new WebhookSecret(null)).hasMessage("a webhook secret starts with whsec_");
    }

    @Test
    void anIdOfVisibleAsciiUpToTwoHundredFiftyFiveCharactersIsSigned() {
        WebhookSecret secret = WebhookSecret.generate();
        String edges = "!" + "a".repeat(253) + "~";
        assertThat(WebhookSigner.sign(secret, edges, 0L, BODY).id()).isEqualTo(edges);
        for (String id : new String[] {edges + "b", "evt\u007f", null}) {
            assertThatThrownBy(() -> WebhookSigner.sign(secret, id, 1L, BODY)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a webhook id is 1 to 255 visible ASCII characters, not " + id);
        }
    }

    @Test
    void theTimestampIsUnixSecondsFromZero() {
        WebhookSecret secret = WebhookSecret.generate();
        assertThat(WebhookSigner.sign(secret, "evt_1", 0L, BODY).timestamp()).isZero();
        assertThatThrownBy(() -> WebhookSigner.sign(secret, "evt_1", -1L, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a webhook timestamp is Unix seconds, not -1");
        assertThatThrownBy(() -> WebhookSigner.sign(List.of(), "evt_1", 1L, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one secret signs a webhook");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", // no prefix
        "whsec_", // no key
        "whsec_not base64!", // not base64
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA", // 21 bytes: shorter than the specification allows
    })
    void aMalformedSecretIsRefused(String value) {
        assertThatThrownBy(() -> new WebhookSecret(value)).isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain(value.length() > 6 ? value.substring(6) : "\0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evt 1", "evt\n1", "\u00e9vt"})
    void anIdThatCannotTravelInAHeaderIsRefused(String id) {
        assertThatThrownBy(() -> WebhookSigner.sign(WebhookSecret.generate(), id, 1L, BODY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
