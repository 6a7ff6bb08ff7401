package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.webhook.WebhookTargets.Policy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * By hand: our webhooks, as the sender delivers them, verified by the OpenAI SDK's
 * {@code client.webhooks.unwrap} (src/test/node/openai-unwrap-receiver.mjs). Needs Node and the SDK
 * installed somewhere outside the repository, so it runs only when told where:
 *
 * <pre>
 * (mkdir -p /tmp/openai-sdk &amp;&amp; cd /tmp/openai-sdk &amp;&amp; npm init -y &amp;&amp; npm install --save-exact openai@6.49.0)
 * OPENAI_SDK_DIR=/tmp/openai-sdk mvn -q -B -pl shared -am test -Dtest=WebhookOpenAiSdkCheckTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfEnvironmentVariable(named = "OPENAI_SDK_DIR", matches = ".+")
class WebhookOpenAiSdkCheckTest {
    @Test
    void theOpenAiSdkUnwrapsWhatWeSend() throws Exception {
        WebhookSecret secret = WebhookSecret.generate();
        ProcessBuilder builder = new ProcessBuilder("node", Repository.path("shared/src/test/node/openai-unwrap-receiver.mjs"),
                System.getenv("OPENAI_SDK_DIR")).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("WEBHOOK_SECRET", secret.value());
        Process receiver = builder.start();
        try (WebhookSender sender = new WebhookSender(new WebhookTargets(Policy.LOCAL))) {
            JsonNode ready = Json.tree(new BufferedReader(new InputStreamReader(receiver.getInputStream(),
                    StandardCharsets.UTF_8)).readLine());
            String url = "http://127.0.0.1:" + ready.get("port").asInt() + "/webhooks";
            System.out.println("openai SDK " + ready.get("openai").asText());
            byte[] body = ("{\"id\":\"evt_01kaexamp1e\",\"object\":\"event\",\"type\":\"video.completed\","
                    + "\"created_at\":" + Instant.now().getEpochSecond() + ",\"data\":{\"id\":\"video_01kaexamp1e\","
                    + "\"prompt\":\"caf\u00e9 \u2603\"}}").getBytes(StandardCharsets.UTF_8);
            long now = Instant.now().getEpochSecond();

            DeliveryAttempt signed = sender.deliver(url, WebhookSigner.sign(secret, "evt_01kaexamp1e", now, body));
            DeliveryAttempt rotating = sender.deliver(url,
                    WebhookSigner.sign(List.of(WebhookSecret.generate(), secret), "evt_01kaexamp1f", now, body));
            DeliveryAttempt otherSecret = sender.deliver(url,
                    WebhookSigner.sign(WebhookSecret.generate(), "evt_01kaexamp1e", now, body));
            DeliveryAttempt stale = sender.deliver(url, WebhookSigner.sign(secret, "evt_01kaexamp1e", now - 600, body));

            System.out.println("signed: " + signed + "\nrotating: " + rotating + "\nother secret: " + otherSecret
                    + "\nstale: " + stale);
            assertThat(signed.status()).hasValue(200);
            assertThat(Json.tree(signed.responseExcerpt()).at("/event/data/prompt").asText()).isEqualTo("caf\u00e9 \u2603");
            assertThat(rotating.status()).hasValue(200);
            assertThat(otherSecret.status()).hasValue(400);
            assertThat(stale.status()).hasValue(400);
        } finally {
            receiver.getOutputStream().close();
            if (!receiver.waitFor(10, TimeUnit.SECONDS)) {
                receiver.destroyForcibly();
            }
        }
    }
}
