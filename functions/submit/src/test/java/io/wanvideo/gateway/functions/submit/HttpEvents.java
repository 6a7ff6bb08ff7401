package io.wanvideo.gateway.functions.submit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Map;

/** Variations on a sample API Gateway request, for the submit function's tests. */
final class HttpEvents {
    private HttpEvents() {}

    /**
     * The sample with one header set ({@code value} null: removed) and, unless {@code body} is null, another body.
     */
    static APIGatewayV2HTTPEvent with(APIGatewayV2HTTPEvent sample, String header, String value, String body) {
        Map<String, String> headers = new HashMap<>(sample.getHeaders());
        if (value == null) {
            headers.remove(header);
        } else {
            headers.put(header, value);
        }
        sample.setHeaders(headers);
        if (body != null) {
            sample.setBody(body);
        }
        return sample;
    }
}
