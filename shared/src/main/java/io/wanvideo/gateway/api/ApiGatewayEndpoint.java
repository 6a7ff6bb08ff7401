package io.wanvideo.gateway.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.json.Json;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one place where exceptions become HTTP responses. An {@link ApiError} is the client's answer as is;
 * anything else is our fault: logged with its stack, answered with a bare 500 that reveals nothing.
 */
public final class ApiGatewayEndpoint {
    private static final Logger LOG = LogManager.getLogger(ApiGatewayEndpoint.class);
    private static final Map<String, String> JSON_HEADERS = Map.of("content-type", "application/json; charset=utf-8");

    private ApiGatewayEndpoint() {}

    public static APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event, Function<ApiRequest, ApiResponse> route) {
        try {
            ApiResponse response = route.apply(new ApiRequest(event));
            return json(response.status(), response.body());
        } catch (ApiError e) {
            if (e.status() >= 500) {
                LOG.warn("answering {} {}: {}", e.status(), e.code(), e.getMessage());
            }
            return json(e.status(), e.body());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure handling {} {}", method(event), event.getRawPath(), e);
            ApiError internal = ApiError.internal("The gateway failed to handle this request. Retrying may help.");
            return json(internal.status(), internal.body());
        }
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "?";
    }

    private static APIGatewayV2HTTPResponse json(int status, Object body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(JSON_HEADERS)
                .withBody(Json.write(body))
                .withIsBase64Encoded(false)
                .build();
    }
}
