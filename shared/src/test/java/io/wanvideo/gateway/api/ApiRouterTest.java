package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The router's refusals for what API Gateway hands the $default route (found by the contract properties of the
 * handlers, ApiGatewayGetVideoHandlerPropertiesTest).
 */
class ApiRouterTest {
    /** As the status function's router: it lists videos, the submit function creates them. */
    private final ApiRouter router = new ApiRouter()
            .on("GET", "/v1/videos", (request, path) -> ApiResponse.ok(Map.of("object", "list")))
            .elsewhere("POST", "/v1/videos")
            .elsewhere("DELETE", "/v1/videos/{id}")
            .on("GET", "/v1/videos/{id}", (request, path) -> ApiResponse.ok(Map.of("id", path.get("id"))));

    private static ApiRequest request(String method, String path) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath(path);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath(path);
        event.setRequestContext(context);
        return new ApiRequest(event);
    }

    private ApiError refusal(String method, String path) {
        return catchThrowableOfType(ApiError.class, () -> router.route(request(method, path)));
    }

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
