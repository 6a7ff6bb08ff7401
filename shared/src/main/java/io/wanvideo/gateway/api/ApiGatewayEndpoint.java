package io.wanvideo.gateway.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where every request's answer is written: a route's {@link ApiResponse}, or the public error body for whatever
 * it raised ({@link ApiErrors}); anything else is our fault: logged with its stack, answered with a bare 500
 * that reveals nothing.
 */
public final class ApiGatewayEndpoint {
    private static final Logger LOG = LogManager.getLogger(ApiGatewayEndpoint.class);
    private static final String JSON = "application/json; charset=utf-8";

    private ApiGatewayEndpoint() {}

    public static APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event, Function<ApiRequest, ApiResponse> route) {
        try {
            return write(route.apply(new ApiRequest(event)));
        } catch (RuntimeException e) {
            ApiError error = ApiErrors.of(e);
            if (error == null) {
                LOG.error("unexpected failure handling {} {}", method(event), event.getRawPath(), e);
                error = ApiError.internal("The gateway failed to handle this request. Retrying may help.");
            } else if (error.status() >= 500) {
                // A null cause passed as the last argument would be an unused parameter to log4j, which warns.
                if (e.getCause() == null) {
                    LOG.warn("answering {} {}: {}", error.status(), error.code(), error.getMessage());
                } else {
                    LOG.warn("answering {} {}: {}", error.status(), error.code(), error.getMessage(), e.getCause());
                }
            }
            return write(new ApiResponse(error.status(), error.body(), error.headers()));
        }
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "?";
    }

    private static APIGatewayV2HTTPResponse write(ApiResponse response) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        String body;
        if (response.body() == null) {
            body = null;
        } else if (response.body() instanceof ApiResponse.Raw raw) {
            headers.putIfAbsent("content-type", raw.contentType());
            body = raw.text();
        } else {
            headers.putIfAbsent("content-type", JSON);
            body = Json.write(response.body());
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
