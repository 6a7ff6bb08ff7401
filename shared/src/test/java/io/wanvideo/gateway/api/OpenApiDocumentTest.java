package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.PublicStatus;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.service.DeleteVideo;
import io.wanvideo.gateway.service.ListVideos;
import io.wanvideo.gateway.testing.ApiDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenAPI document is a well-formed OpenAPI 3.0 document; the objects and errors the code writes are the ones
 * it describes; and {@link ApiDocument}, which the end-to-end tests trust with every response the openai SDK
 * receives, refuses what the document does not describe.
 */
class OpenApiDocumentTest {
    private static final ApiDocument DOC = ApiDocument.load();
    private static final String VIDEO = "/v1/videos/video_01m7z2rknssh48bdryt5pfkfg6";
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json; charset=utf-8"));

    @Test
    void isWellFormedOpenApi303ThatSwaggerParserReadsWithoutAMessage() throws Exception {
        String text = ApiDocument.text();
        // Strict JSON: the project's reader refuses duplicate keys, which a lenient parser would silently merge.
        JsonNode tree = Json.tree(text);
        assertThat(tree.get("openapi").asText()).isEqualTo("3.0.3");
        SwaggerParseResult parsed = ApiDocument.parse(text);
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();
    }

    /** OpenAI's operations Wan does not offer: they answer 400 unsupported_operation and nothing else of their own. */
    private static final Set<String> UNSUPPORTED = Set.of("remixVideo", "editVideo", "extendVideo", "createCharacter", "getCharacter");

    @Test
    void everyOperationIsNamedAndListsTheAnswersEveryRouteCanGive() {
        List<String> ids = new ArrayList<>();
        DOC.api().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            String route = method + " " + path;
            assertThat(operation.getOperationId()).as(route).isNotBlank();
            ids.add(operation.getOperationId());
            assertThat(operation.getResponses()).as(route).containsKeys("401", "500", "503").doesNotContainKey("default");
            if (UNSUPPORTED.contains(operation.getOperationId())) {
                assertThat(operation.getResponses().keySet()).as(route).containsExactlyInAnyOrder("400", "401", "500", "503");
            } else {
                assertThat(operation.getResponses().keySet()).as(route).anyMatch(s -> s.startsWith("2") || s.startsWith("3"));
            }
        }));
        assertThat(ids).doesNotHaveDuplicates().containsAll(UNSUPPORTED);
    }

    @Test
    void describesExactlyTheRoutesTheGatewayServes() {
        Set<String> documented = new java.util.TreeSet<>();
        DOC.api().getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method + " " + path)));
        Set<String> served = new java.util.TreeSet<>();
        ApiRoutes.ALL.forEach(route -> served.add(route.method() + " " + route.template()));
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void theSubmitOperationDescribesBothEncodingsAndTheIdempotencyKey() {
        Operation create = DOC.api().getPaths().get("/v1/videos").getPost();
        assertThat(create.getRequestBody().getContent()).containsKeys("application/json", "multipart/form-data");
        assertThat(create.getParameters()).anyMatch(p -> p.getName().equals("Idempotency-Key") && p.getIn().equals("header"));
        assertThat(create.getResponses()).containsKeys("200", "400", "401", "409", "413", "415", "429", "500", "503");
        assertThat(create.getResponses().get("429").getHeaders()).containsKey("Retry-After");
        assertThat(create.getResponses().get("200").getHeaders()).containsKey("Idempotent-Replayed");
        PathItem content = DOC.api().getPaths().get("/v1/videos/{id}/content");
        assertThat(content.getGet().getResponses()).containsKeys("302", "400", "404", "410");
    }

    // --- What the code writes is what the document describes ---

    private static VideoObject video(PublicStatus status, TaskError error, Usage usage, VideoObject.Webhook webhook) {
        boolean completed = status == PublicStatus.COMPLETED;
        String url = completed ? "https://example.com/v.mp4" : null;
        return new VideoObject("video_01m7z2rknssh48bdryt5pfkfg6", "video_01m7z2rknssh48bdryt5pfkfg6", "video", "wan2.7-i2v",
                status, completed || status == PublicStatus.FAILED ? 100 : 37, 1795265679L,
                completed || status == PublicStatus.FAILED ? 1795265781L : null, completed ? 1795352181L : null, null, "5",
                "1280x720", null, null, url, error, url == null ? Map.of() : Map.of("url", url), usage, webhook);
    }

    static Stream<Arguments> videos() {
        return Stream.of(
                Arguments.of("queued", video(PublicStatus.QUEUED, null, null, null)),
                Arguments.of("in progress", video(PublicStatus.IN_PROGRESS, null, null, null)),
                Arguments.of("unknown", video(PublicStatus.UNKNOWN, null, null, null)),
                Arguments.of("completed, no price", video(PublicStatus.COMPLETED, null, new Usage(0, 5, 5, null), null)),
                Arguments.of("completed, priced, webhook delivered", video(PublicStatus.COMPLETED, null, new Usage(2.5, 5, 7.5, 1.125),
                        new VideoObject.Webhook("delivered", 1, 204))),
                Arguments.of("failed, webhook not yet tried", video(PublicStatus.FAILED, new TaskError("DataInspectionFailed", "Inappropriate content."),
                        null, new VideoObject.Webhook("pending", 0, null))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videos")
    void everyStateOfTheVideoObjectIsAsDescribed(String state, VideoObject video) {
        check("GET", VIDEO, request -> ApiResponse.ok(video));
        check("POST", "/v1/videos", request -> ApiResponse.ok(video).withHeader("idempotent-replayed", "true"));
    }

    @Test
    void aPageOfTheListAndAnEmptyOneAreAsDescribed() {
        VideoObject queued = video(PublicStatus.QUEUED, null, null, null);
        check("GET", "/v1/videos?limit=2", request -> ApiResponse.ok(new ListVideos.Page("list",
                List.of(queued, video(PublicStatus.COMPLETED, null, new Usage(0, 5, 5, null), null)), queued.id(), queued.id(), true)));
        check("GET", "/v1/videos?after=video_x&order=asc", request -> ApiResponse.ok(new ListVideos.Page("list", List.of(), null, null, false)));
    }

    @Test
    void theDeletedObjectIsAsDescribed() {
        check("DELETE", VIDEO, request -> ApiResponse.ok(new DeleteVideo.Deleted("video_01m7z2rknssh48bdryt5pfkfg6", "video.deleted", true)));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("POST", "/v1/videos", ApiError.invalidValue("seconds", "`seconds` must be between 2 and 15.")),
                Arguments.of("POST", "/v1/videos", ApiError.invalidType("seed", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.missing("model", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.unknownParameter("foo", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.unsupportedParameter("ratio", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.conflictingParameters("duration", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.mediaCombination("media", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.tooManyReferences("media", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.malformedJson("x")),
                Arguments.of("POST", "/v1/videos", ApiError.malformedForm("media[][url]", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.invalidApiKey("x")),
                Arguments.of("POST", "/v1/videos", ApiError.idempotencyKeyReused("x")),
                Arguments.of("POST", "/v1/videos", ApiError.payloadTooLarge("input_reference", "x")),
                Arguments.of("POST", "/v1/videos", ApiError.unsupportedMediaType("x")),
                Arguments.of("POST", "/v1/videos", ApiError.rateLimited(7, "x")),
                Arguments.of("POST", "/v1/videos", ApiError.internal("x").withHeader("x-should-retry", "false")),
                Arguments.of("POST", "/v1/videos", ApiError.unavailable("x")),
                Arguments.of("GET", "/v1/videos?limit=0", ApiError.invalidValue("limit", "x")),
                Arguments.of("GET", VIDEO, ApiError.notFound("id", "x")),
                Arguments.of("GET", VIDEO, ApiError.internal("x")),
                Arguments.of("DELETE", VIDEO, ApiError.taskRunning("x")),
                Arguments.of("DELETE", VIDEO, ApiError.unavailable("x").withHeader("retry-after", "1")),
                Arguments.of("GET", VIDEO + "/content?variant=thumbnail", ApiError.invalidValue("variant", "x")),
                Arguments.of("GET", VIDEO + "/content", ApiError.videoNotReady("x")),
                Arguments.of("GET", VIDEO + "/content", ApiError.videoExpired("x")),
                Arguments.of("POST", VIDEO + "/remix", ApiError.unsupportedOperation(null, "x")),
                Arguments.of("POST", "/v1/videos/edits", ApiError.unsupportedOperation(null, "x")),
                Arguments.of("POST", "/v1/videos/extensions", ApiError.unsupportedOperation(null, "x")),
                Arguments.of("POST", "/v1/videos/characters", ApiError.unsupportedOperation(null, "x")),
                Arguments.of("GET", "/v1/videos/characters/char_123", ApiError.unsupportedOperation(null, "x")),
                Arguments.of("GET", "/v1/models/sora-2", ApiError.notFound("id", "x")),
                Arguments.of("GET", "/v1/openapi.json", ApiError.invalidApiKey("x")));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("errors")
    void everyErrorTheGatewayWritesIsAsDescribed(String method, String path, ApiError error) {
        check(method, path, request -> {
            throw error;
        });
    }

    @Test
    void theRedirectToTheContentIsAsDescribed() {
        check("GET", VIDEO + "/content", request -> ApiResponse.redirect("https://bucket.example.com/v.mp4?X-Amz-Signature=abc"));
    }

    /** The response the Lambda handler writes for whatever the route answers or raises, held to the document. */
    private static void check(String method, String path, Function<ApiRequest, ApiResponse> route) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath(path.replaceAll("\\?.*", ""));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        context.setHttp(http);
        event.setRequestContext(context);
        APIGatewayV2HTTPResponse response = ApiGatewayEndpoint.respond(event, route);
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        response.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        DOC.check(method, path, response.getStatusCode(), headers, response.getBody());
    }

    // --- The oracle refuses what the document does not describe ---

    private static String completedVideo() {
        return Json.write(video(PublicStatus.COMPLETED, null, new Usage(0, 5, 5, 0.5), null));
    }

    private static String edited(String json, Function<ObjectNode, Object> edit) throws Exception {
        ObjectNode node = (ObjectNode) Json.tree(json);
        edit.apply(node);
        return Json.write(node);
    }

    @Test
    void aDescribedResponsePasses() {
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, completedVideo())).isEmpty();
    }

    @Test
    void aPropertyTheDocumentDoesNotNameFails() throws Exception {
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.put("thumbnail_url", "x"))))
                .anyMatch(p -> p.contains("thumbnail_url"));
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> ((ObjectNode) v.get("usage")).put("tokens", 1))))
                .isNotEmpty();
    }

    @Test
    void aMissingRequiredPropertyFails() throws Exception {
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.remove("ratio"))))
                .anyMatch(p -> p.contains("ratio"));
        String error = "{\"error\":{\"message\":\"m\",\"type\":\"not_found_error\",\"code\":\"not_found\"}}";
        assertThat(DOC.problems("GET", VIDEO, 404, JSON, error)).anyMatch(p -> p.contains("param"));
    }

    @Test
    void aValueOfTheWrongTypeOrOutsideItsEnumFails() throws Exception {
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.put("seconds", 5)))).isNotEmpty();
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.put("status", "succeeded")))).isNotEmpty();
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.put("progress", 101)))).isNotEmpty();
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, edited(completedVideo(), v -> v.putNull("created_at")))).isNotEmpty();
        String error = "{\"error\":{\"message\":\"m\",\"type\":\"server_error\",\"param\":null,\"code\":\"x\"}}";
        assertThat(DOC.problems("GET", VIDEO, 500, JSON, error)).isNotEmpty();
    }

    @Test
    void aStatusTheOperationDoesNotListFails() {
        String error = "{\"error\":{\"message\":\"m\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"x\"}}";
        assertThat(DOC.problems("GET", VIDEO, 409, JSON, error)).singleElement().asString().contains("409");
        assertThat(DOC.problems("GET", "/v1/models", 404, JSON, error)).singleElement().asString().contains("404");
    }

    @Test
    void aRouteOrMethodTheDocumentDoesNotHaveFails() {
        assertThat(DOC.problems("GET", "/v1/files", 200, JSON, "{}")).singleElement().asString().contains("no route");
        assertThat(DOC.problems("PATCH", VIDEO, 200, JSON, completedVideo())).singleElement().asString().contains("not in the document");
        assertThat(DOC.problems("GET", "/v1/videos/edits", 200, JSON, completedVideo())).singleElement().asString()
                .contains("GET /v1/videos/edits");
    }

    @Test
    void aLiteralPathSegmentWinsOverAParameter() {
        assertThat(DOC.template("/v1/videos/edits")).contains("/v1/videos/edits");
        assertThat(DOC.template("/v1/videos/characters?limit=1")).contains("/v1/videos/characters");
        assertThat(DOC.template("/v1/videos/characters/char_1")).contains("/v1/videos/characters/{id}");
        assertThat(DOC.template(VIDEO + "/content?variant=video")).contains("/v1/videos/{id}/content");
        assertThat(DOC.template("/v1/videos/{id}")).contains("/v1/videos/{id}");
        assertThat(DOC.template("/v1/videos//content")).isEmpty();
    }

    @Test
    void aRequiredHeaderThatIsMissingOrMalformedFails() {
        String error = "{\"error\":{\"message\":\"m\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
        assertThat(DOC.problems("POST", "/v1/videos", 429, JSON, error)).anyMatch(p -> p.contains("Retry-After"));
        assertThat(DOC.problems("POST", "/v1/videos", 429, withHeader("retry-after", "soon"), error)).isNotEmpty();
        assertThat(DOC.problems("POST", "/v1/videos", 429, withHeader("retry-after", "3"), error)).isEmpty();
        assertThat(DOC.problems("GET", VIDEO + "/content", 302, Map.of(), null)).anyMatch(p -> p.contains("Location"));
        assertThat(DOC.problems("POST", "/v1/videos", 200, withHeader("Idempotent-Replayed", "yes"), completedVideo())).isNotEmpty();
    }

    @Test
    void aBodyOfAnotherTypeOrNoBodyWhereOneIsDescribedFails() {
        assertThat(DOC.problems("GET", VIDEO, 200, Map.of("Content-Type", List.of("text/html")), "<html></html>")).isNotEmpty();
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, null)).isNotEmpty();
        assertThat(DOC.problems("GET", VIDEO, 200, JSON, "[]")).isNotEmpty();
    }

    @Test
    void theModelObjectIsOpenToNewFieldsButHoldsTheOnesItNames() throws Exception {
        String model = "{\"id\":\"wan2.7-i2v\",\"object\":\"model\",\"created\":1777075200,\"owned_by\":\"alibaba\",\"family\":\"i2v\","
                + "\"media\":{\"types\":[\"first_frame\",\"last_frame\",\"driving_audio\",\"first_clip\"],"
                + "\"combinations\":[[\"first_frame\"],[\"first_clip\",\"last_frame\"]]},"
                + "\"seconds\":{\"min\":2,\"max\":15,\"default\":5},\"sizes\":[\"720P\",\"1080P\",\"1280x720\"],\"default_size\":\"1080P\","
                + "\"ratios\":null,\"default_ratio\":null,\"slots\":5,\"price_per_second\":{\"720P\":0.1,\"1080P\":0.15}}";
        assertThat(DOC.problems("GET", "/v1/models/wan2.7-i2v", 200, JSON, model)).isEmpty();
        assertThat(DOC.problems("GET", "/v1/models/wan2.7-i2v", 200, JSON, edited(model, m -> m.put("max_fps", 30)))).isEmpty();
        assertThat(DOC.problems("GET", "/v1/models/wan2.7-i2v", 200, JSON, edited(model, m -> m.put("family", "t2v")))).isNotEmpty();
        assertThat(DOC.problems("GET", "/v1/models/wan2.7-i2v", 200, JSON, edited(model, m -> m.remove("price_per_second"))))
                .isNotEmpty();
        assertThat(DOC.problems("GET", "/v1/models", 200, JSON, "{\"object\":\"list\",\"data\":[" + model + "]}")).isEmpty();
    }

    @Test
    void checkFailsWithEveryProblemAndTheResponse() {
        assertThatThrownBy(() -> DOC.check("GET", VIDEO, 200, JSON, "{\"id\":\"video_1\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET " + VIDEO + " -> 200")
                .hasMessageContaining("task_id")
                .hasMessageContaining("{\"id\":\"video_1\"}");
    }

    private static Map<String, List<String>> withHeader(String name, String value) {
        return Map.of("Content-Type", List.of("application/json"), name, List.of(value));
    }
}
