package io.wanvideo.gateway.webhook;

/**
 * A webhook URL the gateway will not call. The message completes a sentence about the URL ("it must use
 * https", "its host evil.example resolves to 10.0.0.1, a private address"), so the API edge can say
 * "`webhook_url` is refused: " followed by it.
 */
public final class WebhookTargetRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which rule the URL broke. */
    public enum Rule {
        /** Not an absolute URL with a valid host and port. */
        FORM,
        /** Longer than {@link WebhookTargets#MAX_URL_CHARS}. */
        LENGTH,
        /** A scheme the policy does not allow (only https where deployed). */
        SCHEME,
        /** Carries user info ({@code user:password@}). */
        USER_INFO,
        /** A name that only ever means this machine or its network, such as {@code localhost}. */
        LOCAL_NAME,
        /** The host does not resolve. */
        UNRESOLVED,
        /** The host is, or resolves to, an address outside the public internet (or not allowed by the policy). */
        ADDRESS
    }

    private final Rule rule;

    public WebhookTargetRefusedException(Rule rule, String message) {
        // Refusals are expected answers to user input, not faults to trace.
        super(message, null, false, false);
        this.rule = rule;
    }

    public Rule rule() {
        return rule;
    }
}
