package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.service.VideoNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge between API Gateway's HTTP events and the routes: what a request says (method, path, headers, body), and
 * how every answer is written, a route's response or whatever it raised.
 */
class ApiGatewayEndpointTest {
    private static final String JSON = "application/json; charset=utf-8";

    /** What the endpoint logs from WARN up, kept for the test instead of printed. */
    private static final class CapturedLog extends AbstractAppender {
        private static final String LOGGER = ApiGatewayEndpoint.class.getName();
        final List<String> lines = new CopyOnWriteArrayList<>();

        CapturedLog() {
            super("captured", null, null, true, Property.EMPTY_ARRAY);
            start();
            LoggerContext context = LoggerContext.getContext(false);
            LoggerConfig logger = new LoggerConfig(LOGGER, Level.WARN, false);
            logger.addAppender(this, Level.WARN, null);
            context.getConfiguration().addLogger(LOGGER, logger);
            context.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " / " + event.getThrown().getMessage()));
        }

        void detach() {
            LoggerContext context = LoggerContext.getContext(false);
            context.getConfiguration().removeLogger(LOGGER);
            context.updateLoggers();
            stop();
        }
    }

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void detachTheLog() {
        log.detach();
    }

    private static APIGatewayV2HTTPEvent event(String method, String rawPath) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath("/from-context");
        context.setHttp(http);
        event.setRequestContext(context);
        event.setRawPath(rawPath);
        return event;
    }

    private static APIGatewayV2HTTPResponse respond(Function<ApiRequest, ApiResponse> route) {
        return ApiGatewayEndpoint.respond(event("GET", "/v1/videos/video_1"), route);
    }

    // ---- the request

    @Test
    void theMethodIsUpperCaseAndGetWhenAbsent() {
        assertThat(new ApiRequest(event("post", "/v1/videos")).method()).isEqualTo("POST");
        assertThat(new ApiRequest(event(null, "/v1/videos")).method()).isEqualTo("GET");
        APIGatewayV2HTTPEvent noHttp = event("POST", "/");
        noHttp.getRequestContext().setHttp(null);
        assertThat(new ApiRequest(noHttp).method()).isEqualTo("GET");
        assertThat(new ApiRequest(new APIGatewayV2HTTPEvent()).method()).isEqualTo("GET");
    }

    @Test
    void thePathIsTheRawPathElseTheContextsElseTheRoot() {
        assertThat(new ApiRequest(event("GET", "/v1/videos/video_1")).path()).isEqualTo("/v1/videos/video_1");
        assertThat(new ApiRequest(event("GET", null)).path()).isEqualTo("/from-context");
        APIGatewayV2HTTPEvent noHttp = event("GET", null);
        noHttp.getRequestContext().setHttp(null);
        assertThat(new ApiRequest(noHttp).path()).isEqualTo("/");
        assertThat(new ApiRequest(new APIGatewayV2HTTPEvent()).path()).isEqualTo("/");
    }

    @Test
    void headersAreFoundInAnyCaseAndPathParametersByName() {
        APIGatewayV2HTTPEvent event = event("GET", "/v1/videos/video_1");
        event.setHeaders(Map.of("Idempotency-Key", "k-1"));
        event.setPathParameters(Map.of("id", "video_1"));
        ApiRequest request = new ApiRequest(event);
        assertThat(request.header("idempotency-key")).isEqualTo("k-1");
        assertThat(request.header("IDEMPOTENCY-KEY")).isEqualTo("k-1");
        assertThat(request.header("authorization")).isNull();
        assertThat(request.pathParameter("id")).isEqualTo("video_1");
        assertThat(request.pathParameter("other")).isNull();
        assertThat(new ApiRequest(event("GET", "/")).pathParameter("id")).isNull();
    }

    @Test
    void theBodyIsItsUtf8BytesOrDecodedFromBase64() {
        APIGatewayV2HTTPEvent event = event("POST", "/v1/videos");
        assertThat(new ApiRequest(event).bodyBytes()).isEmpty();
        event.setBody("{\"prompt\":\"é\"}");
        assertThat(new ApiRequest(event).bodyBytes()).isEqualTo("{\"prompt\":\"é\"}".getBytes(StandardCharsets.UTF_8));
        event.setBody(Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff, 'a'}));
        event.setIsBase64Encoded(true);
        assertThat(new ApiRequest(event).bodyBytes()).containsExactly(0, 0xff, 'a');
        event.setBody("not base64!");
        assertThatThrownBy(() -> new ApiRequest(event).bodyBytes()).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_json");
            assertThat(e.getMessage()).isEqualTo("The request body could not be decoded.");
        });
    }

    // ---- the answer

    @Test
    void aResponseObjectIsWrittenAsJson() {
        APIGatewayV2HTTPResponse response = respond(r -> ApiResponse.ok(Map.of("id", r.path())));
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).isEqualTo(Map.of("content-type", JSON));
        assertThat(response.getBody()).isEqualTo("{\"id\":\"/v1/videos/video_1\"}");
        assertThat(response.getIsBase64Encoded()).isFalse();
    }

    @Test
    void aRawBodyIsWrittenAsItIsWithItsOwnType() {
        APIGatewayV2HTTPResponse page = respond(r -> ApiResponse.ok(new ApiResponse.Raw("text/html", "<p>hi</p>")));
        assertThat(page.getHeaders()).isEqualTo(Map.of("content-type", "text/html"));
        assertThat(page.getBody()).isEqualTo("<p>hi</p>");
        // A type the route set itself wins over either default.
        APIGatewayV2HTTPResponse typed = respond(r -> ApiResponse.ok(new ApiResponse.Raw("text/html", "x"))
                .withHeader("content-type", "text/plain"));
        assertThat(typed.getHeaders()).isEqualTo(Map.of("content-type", "text/plain"));
        APIGatewayV2HTTPResponse json = respond(r -> ApiResponse.ok(Map.of()).withHeader("content-type", "application/problem+json"));
        assertThat(json.getHeaders()).isEqualTo(Map.of("content-type", "application/problem+json"));
    }

    @Test
    void aRedirectHasNoBodyAndIsNotCached() {
        APIGatewayV2HTTPResponse response = respond(r -> ApiResponse.redirect("https://results.example/v.mp4"));
        assertThat(response.getStatusCode()).isEqualTo(302);
        assertThat(response.getHeaders()).isEqualTo(Map.of("location", "https://results.example/v.mp4", "cache-control", "no-store"));
        assertThat(response.getBody()).isNull();
    }

    @Test
    void headersAreAddedToTheOnesAlreadySet() {
        ApiResponse response = ApiResponse.redirect("https://r.example/v").withHeader("x-request-id", "r-1");
        assertThat(response).isEqualTo(new ApiResponse(302, null,
                Map.of("location", "https://r.example/v", "cache-control", "no-store", "x-request-id", "r-1")));
    }

    @Test
    void aRefusalIsWrittenAsTheErrorBodyWithItsHeaders() {
        APIGatewayV2HTTPResponse response = respond(r -> {
            throw ApiError.rateLimited(5, "Slow down.");
        });
        assertThat(response.getStatusCode()).isEqualTo(429);
        assertThat(response.getHeaders()).isEqualTo(Map.of("retry-after", "5", "content-type", JSON));
        assertThat(response.getBody()).isEqualTo(
                "{\"error\":{\"message\":\"Slow down.\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
    }

    @Test
    void aDomainErrorIsWrittenAsItsPublicError() {
        APIGatewayV2HTTPResponse response = respond(r -> {
            throw new VideoNotFoundException("video_1");
        });
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getBody()).isEqualTo(
                "{\"error\":{\"message\":\"No video with id 'video_1'.\",\"type\":\"not_found_error\",\"param\":\"id\",\"code\":\"not_found\"}}");
        APIGatewayV2HTTPResponse unavailable = respond(r -> {
            throw ApiError.unavailable("The queue is unreachable.");
        });
        assertThat(unavailable.getStatusCode()).isEqualTo(503);
    }

    @Test
    void anythingElseIsABare500ThatRevealsNothing() {
        APIGatewayV2HTTPEvent noContext = new APIGatewayV2HTTPEvent();
        for (APIGatewayV2HTTPEvent event : new APIGatewayV2HTTPEvent[] {event("GET", "/v1/videos/x"), noContext}) {
            APIGatewayV2HTTPResponse response = ApiGatewayEndpoint.respond(event, r -> {
                throw new IllegalStateException("table gateway-prod-tasks is missing");
            });
            assertThat(response.getStatusCode()).isEqualTo(500);
            assertThat(response.getHeaders()).isEqualTo(Map.of("content-type", JSON));
            assertThat(response.getBody()).isEqualTo("{\"error\":{\"message\":\"The gateway failed to handle this request. "
                    + "Retrying may help.\",\"type\":\"api_error\",\"param\":null,\"code\":\"internal_error\"}}");
        }
        APIGatewayV2HTTPEvent noHttp = event("GET", "/v1/videos/y");
        noHttp.getRequestContext().setHttp(null);
        ApiGatewayEndpoint.respond(noHttp, r -> {
            throw new IllegalStateException("again");
        });
        // What the client is not told is logged, with what was asked and the failure itself.
        assertThat(log.lines).containsExactly(
                "ERROR unexpected failure handling GET /v1/videos/x / table gateway-prod-tasks is missing",
                "ERROR unexpected failure handling ? null / table gateway-prod-tasks is missing",
                "ERROR unexpected failure handling ? /v1/videos/y / again");
    }

    @Test
    void ourOwnFailuresAreLoggedAndTheClientsAreNot() {
        respond(r -> {
            throw ApiError.invalidValue("seconds", "`seconds` must be between 2 and 15.");
        });
        respond(r -> {
            throw new VideoNotFoundException("video_1");
        });
        assertThat(log.lines).isEmpty();
        respond(r -> {
            throw ApiError.internal("The gateway failed while storing the task.");
        });
        respond(r -> {
            throw ApiError.unavailable("The queue is unreachable.");
        });
        assertThat(log.lines).containsExactly("WARN answering 500 internal_error: The gateway failed while storing the task.",
                "WARN answering 503 service_unavailable: The queue is unreachable.");
    }
}
