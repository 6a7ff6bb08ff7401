package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which handler a method and path reach, with which path parameters; and the 405 and 404 for everything else. */
class ApiRouterTest {
    private final ApiRouter router = new ApiRouter()
            .on("GET", "/v1/videos", (request, params) -> ApiResponse.ok("list " + params))
            .on("GET", "/v1/videos/{id}", (request, params) -> ApiResponse.ok("one " + params))
            .on("GET", "/v1/videos/{id}/content", (request, params) -> ApiResponse.ok("content " + params.get("id")))
            .on("GET", "/v1/models/{model_id}", (request, params) -> ApiResponse.ok("model " + params))
            .elsewhere("POST", "/v1/videos")
            .elsewhere("DELETE", "/v1/videos/{id}");

    private static ApiRequest request(String method, String path) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath(path);
        event.setRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build()).build());
        return new ApiRequest(event);
    }

    private Object body(String method, String path) {
        return router.route(request(method, path)).body();
    }

    private ApiError refusal(String method, String path) {
        return assertThatExceptionOfType(ApiError.class).isThrownBy(() -> router.route(request(method, path))).actual();
    }

    @Test
    void eachServedRouteReachesItsHandlerWithItsParameters() {
        assertThat(body("GET", "/v1/videos")).isEqualTo("list {}");
        assertThat(body("GET", "/v1/videos/")).as("a trailing slash").isEqualTo("list {}");
        assertThat(body("GET", "/v1/videos/video_1")).isEqualTo("one {id=video_1}");
        assertThat(body("GET", "/v1/videos/video_1/content")).isEqualTo("content video_1");
        assertThat(body("GET", "/v1/models/wan2.7-r2v")).isEqualTo("model {model_id=wan2.7-r2v}");
        assertThat(body("get", "/v1/videos/x")).as("methods in any case").isEqualTo("one {id=x}");
    }

    @Test
    void aParameterIsOneSegmentAndTheTemplateIsMatchedWhole() {
        assertThat(refusal("GET", "/v1/videos/a/b").status()).isEqualTo(404);
        assertThat(refusal("GET", "/v1/videos//").status()).isEqualTo(404);
        assertThat(refusal("GET", "/x/v1/videos").status()).isEqualTo(404);
        assertThat(refusal("GET", "/v1/videosx").status()).isEqualTo(404);
        // The template's text is literal, not a pattern: "." matches only a dot.
        ApiRouter dotted = new ApiRouter().on("GET", "/v1/a.b", (request, params) -> ApiResponse.ok("dot"));
        assertThat(dotted.route(request("GET", "/v1/a.b")).body()).isEqualTo("dot");
        assertThatExceptionOfType(ApiError.class).isThrownBy(() -> dotted.route(request("GET", "/v1/axb")));
    }

    @Test
    void aKnownPathWithAnotherMethodIsA405NamingTheAllowedOnes() {
        ApiError error = refusal("PUT", "/v1/videos/video_1");
        assertThat(error.status()).isEqualTo(405);
        assertThat(error.code()).isEqualTo("method_not_allowed");
        assertThat(error.getMessage()).isEqualTo("PUT is not supported on /v1/videos/{id}; use GET or DELETE.");
        assertThat(error.headers()).containsExactly(Map.entry("allow", "GET, DELETE"));
        // A route served elsewhere, reaching this function (API Gateway sends only other spellings of it here), is
        // no wrong method: it is a 404 naming the route.
        ApiError post = refusal("POST", "/v1/videos");
        assertThat(post.status()).isEqualTo(404);
        assertThat(post.getMessage()).isEqualTo("Unknown route: POST /v1/videos. The API has POST /v1/videos.");
        ApiError delete = refusal("DELETE", "/v1/videos/video_1");
        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.getMessage()).endsWith("The API has DELETE /v1/videos/{id}.");
    }

    @Test
    void anUnknownPathIsTheApisOwn404() {
        ApiError error = refusal("GET", "/v1/images");
        assertThat(error.status()).isEqualTo(404);
        assertThat(error.code()).isEqualTo("not_found");
        assertThat(error.param()).isNull();
        assertThat(error.getMessage()).isEqualTo("Unknown route: GET /v1/images.");
        assertThat(error.headers()).isEmpty();
    }

    @Test
    void queryParametersAreReadAsDelivered() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        assertThat(new ApiRequest(event).query("limit")).isNull();
        event.setQueryStringParameters(Map.of("limit", "5", "order", "asc,desc"));
        assertThat(new ApiRequest(event).query("limit")).isEqualTo("5");
        assertThat(new ApiRequest(event).query("order")).isEqualTo("asc,desc");
        assertThat(new ApiRequest(event).query("after")).isNull();
    }

    @Test
    void aFunctionsRouterServesItsRoutesAndKnowsTheOthers() {
        Map<String, ApiRouter.Handler> handlers = Map.of(
                "POST /v1/videos", (request, params) -> ApiResponse.ok("created"),
                "DELETE /v1/videos/{id}", (request, params) -> ApiResponse.ok("deleted " + params.get("id")),
                "POST /upstream-events/{account}", (request, params) -> ApiResponse.ok("event of " + params.get("account")));
        ApiRouter submit = ApiRoutes.routerFor(ApiRoutes.SUBMIT, handlers);
        assertThat(submit.route(request("POST", "/v1/videos")).body()).isEqualTo("created");
        assertThat(submit.route(request("DELETE", "/v1/videos/v1")).body()).isEqualTo("deleted v1");
        assertThat(submit.route(request("POST", "/upstream-events/default")).body()).isEqualTo("event of default");
        // The status function's routes are known to the submit function: a wrong method is 405, the route's own
        // method a 404 that names where the API has it.
        ApiError get = assertThatExceptionOfType(ApiError.class).isThrownBy(() -> submit.route(request("GET", "/v1/stats"))).actual();
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.getMessage()).endsWith("The API has GET /v1/stats.");
        ApiError put = assertThatExceptionOfType(ApiError.class).isThrownBy(() -> submit.route(request("PUT", "/v1/stats"))).actual();
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.headers()).containsEntry("allow", "GET");
        ApiError page = assertThatExceptionOfType(ApiError.class).isThrownBy(() -> submit.route(request("POST", "/assets/app.js"))).actual();
        assertThat(page.status()).as("the page's files are known too").isEqualTo(405);
    }

    @Test
    void aFunctionMustHandleEachOfItsRoutesAndNoOther() {
        Map<String, ApiRouter.Handler> one = Map.of("POST /v1/videos", (request, params) -> ApiResponse.ok("created"));
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> ApiRoutes.routerFor(ApiRoutes.SUBMIT, one))
                .withMessage("SubmitFunction has no handler for DELETE /v1/videos/{id}");
        Map<String, ApiRouter.Handler> extra = Map.of(
                "POST /v1/videos", (request, params) -> ApiResponse.ok("created"),
                "DELETE /v1/videos/{id}", (request, params) -> ApiResponse.ok("deleted"),
                "POST /upstream-events/{account}", (request, params) -> ApiResponse.ok("event"),
                "PUT /v1/videos", (request, params) -> ApiResponse.ok("?"));
        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> ApiRoutes.routerFor(ApiRoutes.SUBMIT, extra))
                .withMessage("SubmitFunction registers a handler for a route the API does not have");
        // A route of the page, registered by the function that serves it, is no stranger.
        Map<String, ApiRouter.Handler> status = new java.util.HashMap<>();
        ApiRoutes.ALL.stream().filter(r -> r.function().equals(ApiRoutes.STATUS))
                .forEach(r -> status.put(r.method() + " " + r.template(), (request, params) -> ApiResponse.ok(r.template())));
        ApiRoutes.PAGE.forEach(r -> status.put(r.method() + " " + r.template(), (request, params) -> ApiResponse.ok(r.template())));
        ApiRouter router = ApiRoutes.routerFor(ApiRoutes.STATUS, status);
        assertThat(router.route(request("GET", "/assets/app.js")).body()).isEqualTo("/assets/{file}");
        assertThat(router.route(request("GET", "/v1/openapi.json")).body()).isEqualTo("/v1/openapi.json");
    }

    @Test
    void theOperationsWanDoesNotOfferAreRefusedAsUnsupportedWithAWayForward() {
        for (ApiError error : java.util.List.of(UnsupportedOperations.remix(), UnsupportedOperations.edits(),
                UnsupportedOperations.extensions(), UnsupportedOperations.characters())) {
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.code()).isEqualTo("unsupported_operation");
            assertThat(error.param()).isNull();
        }
        assertThat(UnsupportedOperations.remix().getMessage()).contains("first_clip");
        assertThat(UnsupportedOperations.edits().getMessage()).contains("reference_video");
        assertThat(UnsupportedOperations.extensions().getMessage()).contains("first_clip");
        assertThat(UnsupportedOperations.characters().getMessage()).contains("reference_image");
    }

    @Test
    void theServedDocumentIsTheOpenApiDocumentBesideTheClass() throws Exception {
        String text = OpenApiDocument.text();
        assertThat(io.wanvideo.gateway.json.Json.tree(text).path("openapi").asText()).startsWith("3.");
        assertThat(OpenApiDocument.text()).isSameAs(text);
    }

    // Found by the contract properties of the handlers (ApiGateway*HandlerPropertiesTest).

    @Test
    void aRouteOfAnotherFunctionReachedByAnotherSpellingIsNotFoundNotAWrongMethod() {
        // POST /v1/videos/ is not API Gateway's POST /v1/videos: it reaches $default. A 405 "use GET" would be false.
        ApiError trailingSlash = refusal("POST", "/v1/videos/");
        assertThat(trailingSlash.status()).isEqualTo(404);
        assertThat(trailingSlash.getMessage()).isEqualTo("Unknown route: POST /v1/videos/. The API has POST /v1/videos.");
        ApiError lowerCase = refusal("delete", "/v1/videos/video_1/");
        assertThat(lowerCase.status()).isEqualTo(404);
        assertThat(lowerCase.getMessage()).contains("DELETE /v1/videos/{id}");
    }

    @Test
    void aMethodNoRouteOfThePathTakesIs405NamingTheOnesItDoes() {
        ApiError put = refusal("PUT", "/v1/videos");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.getMessage()).isEqualTo("PUT is not supported on /v1/videos; use GET or POST.");
        assertThat(put.body()).isNotNull();
    }

    @Test
    void whatTheClientSentIsRepeatedBoundedAndWellFormed() {
        ApiError longMethod = refusal("X".repeat(3000), "/v1/videos");
        assertThat(longMethod.status()).isEqualTo(405);
        assertThat(longMethod.getMessage()).hasSizeLessThan(200);
        ApiError brokenPath = refusal("GET", "/v1/\ud800" + "p".repeat(20_000));
        assertThat(brokenPath.status()).isEqualTo(404);
        assertThat(brokenPath.getMessage()).hasSizeLessThan(200).doesNotContain("\ud800").contains("\ufffd");
    }
}
