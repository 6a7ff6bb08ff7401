package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.webhook.WebhookSecret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {
    private static final String[] NO_ARGUMENTS = {};

    @Test
    void theWebhookSettingsReachTheFunctions() {
        String secret = WebhookSecret.generate().value();
        LocalOptions options = LocalOptions.parse(Map.of("LOCAL_WEBHOOK_SECRET", secret, "WEBHOOK_RETRY_SECONDS", "0,1"),
                NO_ARGUMENTS);
        assertThat(options.functionEnvironment())
                .containsEntry("LOCAL_WEBHOOK_SECRET", secret)
                .containsEntry("WEBHOOK_RETRY_SECONDS", "0,1");
    }

    @Test
    void aWebhookSecretNotInTheWhsecFormIsRefusedAtStart() {
        assertThatThrownBy(() -> LocalOptions.parse(Map.of("LOCAL_WEBHOOK_SECRET", "hunter2"), NO_ARGUMENTS))
                .isInstanceOf(LocalOptions.UsageException.class)
                .hasMessageStartingWith("LOCAL_WEBHOOK_SECRET: ")
                .hasMessageContaining("whsec_")
                .hasMessageNotContaining("hunter2");
    }
}
