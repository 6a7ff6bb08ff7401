package io.wanvideo.gateway.validation;

import java.util.Optional;

/** Whether a webhook URL is one the gateway may deliver to; the reason when it is not. */
@FunctionalInterface
public interface WebhookTargetRule {
    /** @return why the URL is refused, or empty when it is acceptable */
    Optional<String> refuse(String url);
}
