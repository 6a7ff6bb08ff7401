package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.wanvideo.gateway.service.IdempotencyConflictException;
import io.wanvideo.gateway.service.SubmitOutcomeUnknownException;
import io.wanvideo.gateway.service.TaskNotCancellableException;
import io.wanvideo.gateway.service.VideoGoneException;
import io.wanvideo.gateway.service.VideoNotFoundException;
import io.wanvideo.gateway.service.VideoNotReadyException;
import io.wanvideo.gateway.store.QuotaExceededException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public error of spec/api.md for every refusal, and the one mapping from the services' domain errors to it
 * (status, type, code, param, message, headers), each spelt out.
 */
class ApiErrorsTest {
    record Shown(int status, String type, String code, String param, String message, Map<String, String> headers) {
        static Shown of(ApiError e) {
            return new Shown(e.status(), e.type().wire(), e.code(), e.param(), e.getMessage(), e.headers());
        }
    }

    static Shown shown(int status, String type, String code, String param, String message, Map<String, String> headers) {
        return new Shown(status, type, code, param, message, headers);
    }

    public static Stream<Arguments> factories() {
        String bad = "invalid_request_error";
        return Stream.of(
                arguments((Supplier<ApiError>) () -> ApiError.invalidValue("p", "m"), shown(400, bad, "invalid_value", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.invalidType("p", "m"), shown(400, bad, "invalid_type", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.missing("p", "m"), shown(400, bad, "missing_required_parameter", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.unknownParameter("p", "m"), shown(400, bad, "unknown_parameter", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.unsupportedParameter("p", "m"), shown(400, bad, "unsupported_parameter", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.conflictingParameters("p", "m"), shown(400, bad, "conflicting_parameters", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.mediaCombination("p", "m"), shown(400, bad, "invalid_media_combination", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.tooManyReferences("p", "m"), shown(400, bad, "too_many_references", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.malformedJson("m"), shown(400, bad, "invalid_json", null, "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.unsupportedOperation("p", "m"), shown(400, bad, "unsupported_operation", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.taskRunning("m"), shown(400, bad, "task_running", "id", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.idempotencyKeyReused("m"), shown(409, bad, "idempotency_key_reused", "Idempotency-Key", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.videoNotReady("m"), shown(404, "not_found_error", "video_not_ready", "id", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.videoExpired("m"), shown(410, bad, "video_expired", "id", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.rateLimited(7, "m"), shown(429, "rate_limit_error", "rate_limit_exceeded", null, "m",
                        Map.of("retry-after", "7"))),
                arguments((Supplier<ApiError>) () -> ApiError.malformedForm("p", "m"), shown(400, bad, "invalid_form", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.invalidApiKey("m"), shown(401, "authentication_error", "invalid_api_key", null, "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.notFound("p", "m"), shown(404, "not_found_error", "not_found", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.methodNotAllowed("m"), shown(405, bad, "method_not_allowed", null, "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.payloadTooLarge("p", "m"), shown(413, bad, "payload_too_large", "p", "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.unsupportedMediaType("m"), shown(415, bad, "unsupported_media_type", null, "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.unavailable("m"), shown(503, "api_error", "service_unavailable", null, "m", Map.of())),
                arguments((Supplier<ApiError>) () -> ApiError.internal("m"), shown(500, "api_error", "internal_error", null, "m", Map.of())));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("factories")
    void eachRefusalHasItsStatusTypeAndCode(Supplier<ApiError> factory, Shown expected) {
        assertThat(Shown.of(factory.get())).isEqualTo(expected);
    }

    @Test
    void theBodyIsTheErrorObjectAndNothingElse() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", "`seconds` must be between 2 and 15.");
        error.put("type", "invalid_request_error");
        error.put("param", "seconds");
        error.put("code", "invalid_value");
        assertThat(ApiError.invalidValue("seconds", "`seconds` must be between 2 and 15.").body()).isEqualTo(Map.of("error", error));
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) ApiError.invalidApiKey("no").body().get("error")).keySet()))
                .containsExactly("message", "type", "param", "code");
    }

    @Test
    void headersAccumulateOnNewErrors() {
        ApiError plain = ApiError.internal("m");
        ApiError one = plain.withHeader("x-should-retry", "false");
        ApiError two = one.withHeader("retry-after", "3");
        assertThat(plain.headers()).isEmpty();
        assertThat(one.headers()).isEqualTo(Map.of("x-should-retry", "false"));
        assertThat(two.headers()).isEqualTo(Map.of("x-should-retry", "false", "retry-after", "3"));
        assertThat(Shown.of(two)).isEqualTo(shown(500, "api_error", "internal_error", null, "m", two.headers()));
    }

    public static Stream<Arguments> domainErrors() {
        String retrySafe = "The gateway failed while storing the task. Retrying with the same Idempotency-Key is safe.";
        String unsafe = "The gateway failed while storing the task and cannot tell whether it was stored. List your videos "
                + "before submitting again, or send an Idempotency-Key to make retries safe.";
        return Stream.of(
                arguments(new VideoNotFoundException("video_1"), shown(404, "not_found_error", "not_found", "id", "No video with id 'video_1'.", Map.of())),
                arguments(new QuotaExceededException(QuotaExceededException.Limit.WAITING, 30), shown(429, "rate_limit_error",
                        "rate_limit_exceeded", null, "You have as many videos waiting for this model as your limit allows; wait for "
                                + "some to start. Retry after 30 s.", Map.of("retry-after", "30"))),
                arguments(new QuotaExceededException(QuotaExceededException.Limit.SUBMITS_PER_MINUTE, 12), shown(429, "rate_limit_error",
                        "rate_limit_exceeded", null, "You have submitted as many videos this minute as your limit allows. Retry after 12 s.",
                        Map.of("retry-after", "12"))),
                arguments(new IdempotencyConflictException("key k was used for another request"), shown(409, "invalid_request_error",
                        "idempotency_key_reused", "Idempotency-Key", "key k was used for another request", Map.of())),
                arguments(new TaskNotCancellableException("video_1 is running"), shown(400, "invalid_request_error", "task_running", "id",
                        "video_1 is running", Map.of())),
                arguments(new VideoNotReadyException("video_1 is not finished"), shown(404, "not_found_error", "video_not_ready", "id",
                        "video_1 is not finished", Map.of())),
                arguments(new VideoGoneException("video_1 expired"), shown(410, "invalid_request_error", "video_expired", "id",
                        "video_1 expired", Map.of())),
                arguments(new SubmitOutcomeUnknownException(true, new RuntimeException("timeout")), shown(500, "api_error", "internal_error",
                        null, retrySafe, Map.of("x-should-retry", "true"))),
                arguments(new SubmitOutcomeUnknownException(false, new RuntimeException("timeout")), shown(500, "api_error", "internal_error",
                        null, unsafe, Map.of("x-should-retry", "false"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("domainErrors")
    void eachDomainErrorBecomesItsPublicError(RuntimeException domain, Shown expected) {
        assertThat(Shown.of(ApiErrors.of(domain))).isEqualTo(expected);
    }

    @Test
    void anApiErrorIsItselfAndAnythingElseIsOurFault() {
        ApiError error = ApiError.notFound("id", "m");
        assertThat(ApiErrors.of(error)).isSameAs(error);
        assertThat(ApiErrors.of(new IllegalStateException("bug"))).isNull();
    }

    @Test
    void aClientValueIsRepeatedUpToEightyCharacters() {
        assertThat(ApiErrors.echo(null)).isEmpty();
        assertThat(ApiErrors.echo("m".repeat(80))).isEqualTo("m".repeat(80));
        assertThat(ApiErrors.echo("m".repeat(81))).isEqualTo("m".repeat(80) + "...");
        // Characters, not UTF-16 units: a pair is never split.
        String clapper = "\uD83C\uDFAC";
        assertThat(ApiErrors.echo(clapper.repeat(80))).isEqualTo(clapper.repeat(80));
        assertThat(ApiErrors.echo(clapper.repeat(81))).isEqualTo(clapper.repeat(80) + "...");
    }

    // Found by the contract properties of the handlers (ApiGateway*HandlerPropertiesTest).

    @Test
    void anEchoIsWellFormedTextWhateverTheClientSent() {
        // JSON can spell a lone surrogate (\ud800): repeated as is, the answer could not be written as UTF-8.
        assertThat(ApiErrors.echo("a\ud800b")).isEqualTo("a\ufffdb");
        assertThat(ApiErrors.echo("\udc00\ud800")).isEqualTo("\ufffd\ufffd");
        assertThat(ApiErrors.echo("x\ud83c")).isEqualTo("x\ufffd");
        assertThat(ApiErrors.echo("\ud83c\udfac night")).isEqualTo("\ud83c\udfac night");
        assertThat(ApiErrors.echo(null)).isEmpty();
    }

    @Test
    void anEchoIsBoundedAndNeverSplitsACharacter() {
        assertThat(ApiErrors.echo("x".repeat(80))).isEqualTo("x".repeat(80));
        assertThat(ApiErrors.echo("x".repeat(1_000_000))).isEqualTo("x".repeat(80) + "...");
        String emoji = "\ud83c\udfac";
        assertThat(ApiErrors.echo(emoji.repeat(200))).isEqualTo(emoji.repeat(80) + "...");
        assertThat(ApiErrors.echo("\ud800".repeat(200))).isEqualTo("\ufffd".repeat(80) + "...");
    }
}
