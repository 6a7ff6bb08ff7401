package io.wanvideo.gateway.testing.contract;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Map;

/** API Gateway HTTP API (payload 2.0) events, as the real service builds them for a request. */
public final class ApiEvents {
    private ApiEvents() {}

    /**
     * @param method  null: an event without one (the handler reads it as GET)
     * @param query   decoded query parameters, as API Gateway delivers them
     * @param headers lower-case names, as API Gateway delivers them
     */
    public static APIGatewayV2HTTPEvent event(String method, String path, Map<String, String> query, Map<String, String> headers,
            String body, boolean base64) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath(path);
        http.setProtocol("HTTP/1.1");
        http.setSourceIp("198.51.100.7");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setRequestId("property-" + System.nanoTime());
        context.setStage("$default");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRawPath(path);
        event.setRawQueryString("");
        event.setRequestContext(context);
        event.setQueryStringParameters(query == null || query.isEmpty() ? null : new HashMap<>(query));
        event.setHeaders(new HashMap<>(headers));
        event.setBody(body);
        event.setIsBase64Encoded(base64);
        return event;
    }

    /** POST /v1/videos with this body and key. */
    public static APIGatewayV2HTTPEvent submit(Delivery delivery, String apiKey) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Bearer " + apiKey);
        if (delivery.contentType() != null) {
            headers.put("content-type", delivery.contentType());
        }
        return event("POST", "/v1/videos", null, headers, delivery.eventBody(), delivery.base64());
    }
}
