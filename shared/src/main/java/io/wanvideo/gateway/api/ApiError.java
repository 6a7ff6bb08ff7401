package io.wanvideo.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal the client sees, with the exact body of spec/api.md. Thrown anywhere below a handler and
 * turned into a response in one place ({@link ApiGatewayEndpoint}).
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final ErrorType type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public ApiError(int status, ErrorType type, String code, String param, String message) {
        this(status, type, code, param, message, Map.of());
    }

    private ApiError(int status, ErrorType type, String code, String param, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = headers;
    }

    /** The same error with a response header (Retry-After, x-should-retry). */
    public ApiError withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiError(status, type, code, param, getMessage(), Map.copyOf(more));
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiError invalidValue(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_value", param, message);
    }

    public static ApiError invalidType(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_type", param, message);
    }

    public static ApiError missing(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "missing_required_parameter", param, message);
    }

    public static ApiError unknownParameter(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "unknown_parameter", param, message);
    }

    public static ApiError unsupportedParameter(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "unsupported_parameter", param, message);
    }

    public static ApiError conflictingParameters(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "conflicting_parameters", param, message);
    }

    public static ApiError mediaCombination(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_media_combination", param, message);
    }

    public static ApiError tooManyReferences(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "too_many_references", param, message);
    }

    public static ApiError malformedJson(String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_json", null, message);
    }

    public static ApiError unsupportedOperation(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "unsupported_operation", param, message);
    }

    /** 400, not 409: SDKs retry a 409, and retrying cannot make a running task cancellable. */
    public static ApiError taskRunning(String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "task_running", "id", message);
    }

    public static ApiError idempotencyKeyReused(String message) {
        return new ApiError(409, ErrorType.INVALID_REQUEST, "idempotency_key_reused", "Idempotency-Key", message);
    }

    public static ApiError videoNotReady(String message) {
        return new ApiError(404, ErrorType.NOT_FOUND, "video_not_ready", "id", message);
    }

    public static ApiError videoExpired(String message) {
        return new ApiError(410, ErrorType.INVALID_REQUEST, "video_expired", "id", message);
    }

    public static ApiError rateLimited(int retryAfterSeconds, String message) {
        return new ApiError(429, ErrorType.RATE_LIMIT, "rate_limit_exceeded", null, message)
                .withHeader("retry-after", Integer.toString(retryAfterSeconds));
    }

    /** A multipart/form-data body that cannot be read as a form; param names the field where one is at fault. */
    public static ApiError malformedForm(String param, String message) {
        return new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_form", param, message);
    }

    public static ApiError invalidApiKey(String message) {
        return new ApiError(401, ErrorType.AUTHENTICATION, "invalid_api_key", null, message);
    }

    public static ApiError notFound(String param, String message) {
        return new ApiError(404, ErrorType.NOT_FOUND, "not_found", param, message);
    }

    public static ApiError methodNotAllowed(String message) {
        return new ApiError(405, ErrorType.INVALID_REQUEST, "method_not_allowed", null, message);
    }

    public static ApiError payloadTooLarge(String param, String message) {
        return new ApiError(413, ErrorType.INVALID_REQUEST, "payload_too_large", param, message);
    }

    public static ApiError unsupportedMediaType(String message) {
        return new ApiError(415, ErrorType.INVALID_REQUEST, "unsupported_media_type", null, message);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, ErrorType.API, "service_unavailable", null, message);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, ErrorType.API, "internal_error", null, message);
    }

    public int status() {
        return status;
    }

    public ErrorType type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** {"error": {"message", "type", "param", "code"}}, nothing else. */
    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("type", type.wire());
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }
}
