package io.wanvideo.gateway.config;

import io.wanvideo.gateway.service.WebhookSecrets;
import io.wanvideo.gateway.webhook.WebhookSecret;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where tenants' webhook signing secrets are kept (README, "Webhooks"): LOCAL_WEBHOOK_SECRET signs every tenant's
 * events on the one-machine stack; deployed, each tenant's secret is a Secrets Manager secret named
 * WEBHOOK_SECRET_PREFIX + tenant (default {@code wan-gateway/webhooks/}), holding {@code whsec_...} itself or JSON
 * with it under "secret". A signing secret must be kept as it is to sign with it, so it is kept encrypted (as
 * every secret is) rather than hashed. Each is re-read at most five minutes after it was last read, so a rotation
 * takes effect without a deploy.
 */
public final class WebhookSecretSources {
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private WebhookSecretSources() {}

    public static WebhookSecrets from(Env env, SecretReader secrets, Clock clock) {
        Optional<String> local = env.optional("LOCAL_WEBHOOK_SECRET");
        if (local.isPresent()) {
            WebhookSecret secret = new WebhookSecret(local.get());
            return tenant -> Optional.of(secret);
        }
        String prefix = env.text("WEBHOOK_SECRET_PREFIX", "wan-gateway/webhooks/");
        Map<String, RefreshingSecret> byTenant = new ConcurrentHashMap<>();
        return tenant -> {
            RefreshingSecret secret = byTenant.computeIfAbsent(tenant, t -> new RefreshingSecret(
                    () -> secrets.readIfPresent(new SecretRef.InSecretsManager(prefix + t, "secret")).orElse(""), MAX_AGE,
                    clock));
            String value = secret.get();
            return value.isEmpty() ? Optional.empty() : Optional.of(new WebhookSecret(value));
        };
    }
}
