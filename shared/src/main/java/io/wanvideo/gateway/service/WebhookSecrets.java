package io.wanvideo.gateway.service;

import io.wanvideo.gateway.webhook.WebhookSecret;
import java.util.Optional;

/** Each tenant's webhook signing secret, from wherever the deployment keeps them. */
@FunctionalInterface
public interface WebhookSecrets {
    /** @return the tenant's current secret; empty when the tenant has none */
    Optional<WebhookSecret> forTenant(String tenant);
}
