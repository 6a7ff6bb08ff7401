package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A signed event as a value: equal by what is sent, its body never shared, shown without its body or signature. */
class SignedWebhookTest {
    private static final byte[] BODY = {'{', '}'};

    @Test
    void equalWhenEverythingSentIsEqual() {
        SignedWebhook one = new SignedWebhook("evt_1", 7, "v1,abc", BODY);
        assertThat(one).isEqualTo(new SignedWebhook("evt_1", 7, "v1,abc", new byte[] {'{', '}'}))
                .hasSameHashCodeAs(new SignedWebhook("evt_1", 7, "v1,abc", new byte[] {'{', '}'}));
        for (SignedWebhook other : List.of(new SignedWebhook("evt_2", 7, "v1,abc", BODY), new SignedWebhook("evt_1", 8, "v1,abc", BODY),
                new SignedWebhook("evt_1", 7, "v1,abd", BODY), new SignedWebhook("evt_1", 7, "v1,abc", new byte[] {'[', ']'}))) {
            assertThat(one).as("%s", other).isNotEqualTo(other);
        }
        assertThat(one).isNotEqualTo("evt_1");
        // The hash follows the signature and the body.
        assertThat(one.hashCode()).isEqualTo(31 * "v1,abc".hashCode() + java.util.Arrays.hashCode(BODY));
    }

    @Test
    void theBodyIsCopiedInAndOut() {
        byte[] body = {'{', '}'};
        SignedWebhook signed = new SignedWebhook("evt_1", 7, "v1,abc", body);
        body[0] = 'x';
        byte[] out = signed.body();
        out[1] = 'y';
        assertThat(signed.body()).containsExactly('{', '}');
    }

    @Test
    void itsHeadersAndItsDescription() {
        SignedWebhook signed = new SignedWebhook("evt_1", 1795265679, "v1,abc v1,def", BODY);
        assertThat(signed.headers()).containsExactly(Map.entry("webhook-id", "evt_1"), Map.entry("webhook-timestamp", "1795265679"),
                Map.entry("webhook-signature", "v1,abc v1,def"));
        assertThat(signed.toString()).isEqualTo("SignedWebhook[id=evt_1, timestamp=1795265679, body=2 bytes]");
    }

    @Test
    void anAttemptSucceedsOnA2xxOnly() {
        for (int status : new int[] {200, 204, 299}) {
            assertThat(new DeliveryAttempt(OptionalInt.of(status), null, 5, "").succeeded()).as("%d", status).isTrue();
        }
        for (int status : new int[] {199, 300, 404, 500, 20}) {
            assertThat(new DeliveryAttempt(OptionalInt.of(status), "HTTP " + status, 5, "").succeeded()).as("%d", status).isFalse();
        }
        assertThat(new DeliveryAttempt(OptionalInt.empty(), "timed out", 10_000, "").succeeded()).isFalse();
    }
}
