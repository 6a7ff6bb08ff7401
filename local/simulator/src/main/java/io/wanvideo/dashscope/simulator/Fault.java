package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A fault injected into the next {@code count} calls of a kind.
 *
 * @param target create, query, cancel, list, video (a result download), or any (any API call, not a download)
 * @param kind   error (answer status/code), slow (answer after delay_ms), drop (close the connection
 *               without an answer, the call not processed), drop_after (process the call, then close
 *               without an answer), malformed (answer 200 with a body that is not JSON), unknown_shape
 *               (answer 200 with JSON of a shape the call never has, the call not processed)
 */
public record Fault(
        @JsonProperty("target") String target,
        @JsonProperty("kind") String kind,
        @JsonProperty("count") int count,
        @JsonProperty("status") int status,
        @JsonProperty("code") String code,
        @JsonProperty("delay_ms") long delayMs) {

    public static Fault error(String target, int count, int status, String code) {
        return new Fault(target, "error", count, status, code, 0);
    }

    public static Fault slow(String target, int count, long delayMs) {
        return new Fault(target, "slow", count, 0, null, delayMs);
    }

    public static Fault drop(String target, int count) {
        return new Fault(target, "drop", count, 0, null, 0);
    }

    public static Fault dropAfter(String target, int count) {
        return new Fault(target, "drop_after", count, 0, null, 0);
    }

    public static Fault malformed(String target, int count) {
        return new Fault(target, "malformed", count, 0, null, 0);
    }

    public static Fault unknownShape(String target, int count) {
        return new Fault(target, "unknown_shape", count, 0, null, 0);
    }

    boolean matches(String call) {
        // "any" is any API call; result downloads are asked for by name, so existing faults leave them alone.
        return count > 0 && (("any".equals(target) && !call.equals("video")) || call.equals(target));
    }

    Fault spent() {
        return new Fault(target, kind, count - 1, status, code, delayMs);
    }
}
