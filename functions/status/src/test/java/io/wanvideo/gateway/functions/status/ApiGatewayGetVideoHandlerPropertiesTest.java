package io.wanvideo.gateway.functions.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.contract.Answers;
import io.wanvideo.gateway.testing.contract.AwsCalls;
import io.wanvideo.gateway.testing.contract.Expectation;
import io.wanvideo.gateway.testing.contract.RouteRequests;
import io.wanvideo.gateway.testing.contract.StoredFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Issues 7 and 8 for every route the status function answers, which is every route but the submit function's two (it
 * is also API Gateway's $default, and serves the playground page): whatever method, path, id, query string and key a
 * request has, the real handler, built from its environment on DynamoDB Local and S3Proxy, serves it or refuses it as
 * {@link Answers} says, as the OpenAPI document describes where the request is spelled as one of its routes, and
 * writes nothing.
 */
class ApiGatewayGetVideoHandlerPropertiesTest {
    private static final LocalAws AWS = LocalAws.get();
    private static final ApiDocument DOCUMENT = ApiDocument.load();
    private static String table;
    private static String bucket;
    private static RouteRequests.Fixture fixture;
    private static ApiGatewayGetVideoHandler handler;

    @BeforeContainer
    static void start() {
        table = AWS.newTable();
        bucket = AWS.newBucket();
        fixture = StoredFixture.store(AWS.dynamo(), table);
        handler = new ApiGatewayGetVideoHandler(new Env(AWS.environment(table, null, AWS.s3Environment(bucket))));
    }

    private StoredFixture.Contents before;

    @BeforeProperty
    void countBefore() {
        before = StoredFixture.count(AWS.dynamo(), table, AWS.s3(), bucket);
    }

    @AfterProperty
    void countAfter() {
        assertThat(StoredFixture.count(AWS.dynamo(), table, AWS.s3(), bucket)).as("reads change nothing").isEqualTo(before);
    }

    private static java.util.Map<String, java.util.List<String>> headers(APIGatewayV2HTTPResponse response) {
        java.util.Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> headers.put(name, java.util.List.of(value)));
        }
        return headers;
    }

    @Provide
    Arbitrary<RouteRequests.RouteRequest> requests() {
        return RouteRequests.requests(ApiRoutes.STATUS, fixture, Arbitraries.just("{}"));
    }

    @Property
    void everyRouteServesOrRefusesByTheContract(@ForAll("requests") RouteRequests.RouteRequest request) {
        AwsCalls.Recorded<APIGatewayV2HTTPResponse> answered = AwsCalls.during(() -> handler.handleRequest(request.event(), null));
        APIGatewayV2HTTPResponse response = answered.value();
        JsonNode body = Answers.check(response, request.expected(), request::holds);
        Statistics.label("status").collect(response.getStatusCode());
        assertThat(answered.writes()).as("a read writes nothing").isEmpty();
        if (request.documented() != null) {
            DOCUMENT.check(request.method(), request.documented(), response.getStatusCode(), headers(response), response.getBody());
        }
        if (response.getStatusCode() == 405) {
            assertThat(response.getHeaders().get("allow").split(", ")).as("a 405 does not offer the method that was refused")
                    .doesNotContain(request.method() == null ? "GET" : request.method().toUpperCase(java.util.Locale.ROOT));
        }
        if (response.getStatusCode() == 200 && request.expected().outcome() != Expectation.Outcome.PAGE) {
            String object = body.path("object").asText();
            assertThat(object).as("a 200 answers an API object").isIn("video", "list", "model", "stats", "");
            if (object.isEmpty()) {
                assertThat(body.has("openapi")).as("the OpenAPI document").isTrue();
            }
        }
    }
}
