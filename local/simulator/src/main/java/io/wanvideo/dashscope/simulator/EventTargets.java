package io.wanvideo.dashscope.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the simulator pushes task completion events, as an Alibaba account's EventBridge rule would: see
 * {@link DashScopeSimulator#sendCompletionEvents(EventTargets)}.
 *
 * @param byApiKey the HTTP endpoint of each account, keyed by the API key itself as the gateway sends it in
 *                 {@code Authorization: Bearer <key>}; an account (key) with no entry gets no events
 * @param headers  added to every POST, e.g. {@code Authorization: Bearer <token>} for the receiver to check
 * @param delay    how long after a task's end its event is delivered, on the simulator's clock
 */
public record EventTargets(Map<String, URI> byApiKey, Map<String, String> headers, Duration delay) {

    public EventTargets {
        byApiKey = Map.copyOf(byApiKey);
        headers = Map.copyOf(headers);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        byApiKey.forEach((key, url) -> {
            if (key.isBlank() || !url.isAbsolute() || !url.getScheme().matches("(?i)https?")) {
                // Named by its label: the key itself must not end up in a test report.
                throw new IllegalArgumentException("the target of " + ApiKey.of(key).label()
                        + " must be an absolute http(s) URL and its key non-blank: " + url);
            }
        });
    }

    /** One account's endpoint, with these headers and no delay. */
    public static EventTargets of(String apiKey, URI url, Map<String, String> headers) {
        return new EventTargets(Map.of(apiKey, url), headers, Duration.ZERO);
    }
}
