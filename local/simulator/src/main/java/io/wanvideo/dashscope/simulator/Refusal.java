package io.wanvideo.dashscope.simulator;

/** DashScope's error answer: HTTP status and {"code", "message", "request_id"}. */
final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    Refusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static Refusal invalid(String message) {
        return new Refusal(400, "InvalidParameter", message);
    }

    /** The rate-limit answer, as the async-task page documents it. */
    static Refusal throttled() {
        return new Refusal(429, "Throttling.RateQuota", "Requests rate limit exceeded, please try again later.");
    }
}
