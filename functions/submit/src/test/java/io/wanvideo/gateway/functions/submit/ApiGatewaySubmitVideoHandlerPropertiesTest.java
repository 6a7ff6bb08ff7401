package io.wanvideo.gateway.functions.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.contract.Answers;
import io.wanvideo.gateway.testing.contract.ApiEvents;
import io.wanvideo.gateway.testing.contract.AwsCalls;
import io.wanvideo.gateway.testing.contract.BodyTree;
import io.wanvideo.gateway.testing.contract.Deliveries;
import io.wanvideo.gateway.testing.contract.Delivery;
import io.wanvideo.gateway.testing.contract.Expectation;
import io.wanvideo.gateway.testing.contract.JsonText;
import io.wanvideo.gateway.testing.contract.Mutations;
import io.wanvideo.gateway.testing.contract.RequestTrees;
import io.wanvideo.gateway.testing.contract.RouteRequests;
import io.wanvideo.gateway.testing.contract.StoredFixture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issues 7 and 8 as properties of the real handler, built from its environment, on DynamoDB Local, ElasticMQ and
 * S3Proxy: whatever reaches POST /v1/videos or DELETE /v1/videos/{id} (requests near the valid ones in both
 * encodings, bodies that are no request at all, hostile ids and headers) is served, or refused as {@link Answers}
 * says; a refused request makes no write call to DynamoDB, SQS or S3, and across each property the table, queue and
 * bucket change by exactly what the served requests did.
 */
class ApiGatewaySubmitVideoHandlerPropertiesTest {
    private static final LocalAws AWS = LocalAws.get();
    private static final ApiDocument DOCUMENT = ApiDocument.load();
    private static String table;
    private static String bucket;
    private static LocalAws.Queues queues;
    private static RouteRequests.Fixture fixture;
    private static ApiGatewaySubmitVideoHandler handler;

    @BeforeContainer
    static void start() {
        table = AWS.newTable();
        queues = AWS.newQueues(5, 30);
        bucket = AWS.newBucket();
        Map<String, String> env = new HashMap<>(AWS.s3Environment(bucket));
        // Every valid try queues a task: the tenant's own limits must not be what refuses them.
        env.put("TENANT_SUBMITS_PER_MINUTE", "1000000");
        env.put("TENANT_MAX_WAITING", "1000000");
        fixture = StoredFixture.store(AWS.dynamo(), table);
        handler = new ApiGatewaySubmitVideoHandler(new Env(AWS.environment(table, queues, env)));
    }

    /** What the function's stores hold: table items, tasks, objects, and messages in the queue. */
    private record Footprint(StoredFixture.Contents stored, int messages) {}

    private static Footprint footprint() {
        Map<QueueAttributeName, String> counts = AWS.sqs().getQueueAttributes(g -> g.queueUrl(queues.pollQueueUrl()).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return new Footprint(StoredFixture.count(AWS.dynamo(), table, AWS.s3(), bucket), counts.values().stream().mapToInt(Integer::parseInt).sum());
    }

    private Footprint before;
    private int created;
    private int deleted;
    private int objectsPut;

    @BeforeProperty
    void countBefore() {
        before = footprint();
    }

    /** The stores changed by exactly what the served requests did: nothing else was written, refused or not. */
    @AfterProperty
    void countAfter() {
        Footprint after = footprint();
        assertThat(after.stored().tasks() - before.stored().tasks()).as("tasks created less tasks deleted").isEqualTo(created - deleted);
        assertThat(after.messages() - before.messages()).as("messages queued").isEqualTo(created);
        assertThat(after.stored().objects() - before.stored().objects()).as("objects stored").isEqualTo(objectsPut);
    }

    /**
     * Sends the event; checks the answer's contract (and the OpenAPI document's, when the request is spelled as one of
     * its routes), and that a refusal wrote nothing and a creation wrote a task.
     */
    private JsonNode send(APIGatewayV2HTTPEvent event, Expectation expected, Answers.Holds request, String documented) {
        AwsCalls.Recorded<APIGatewayV2HTTPResponse> answered = AwsCalls.during(() -> handler.handleRequest(event, null));
        APIGatewayV2HTTPResponse response = answered.value();
        JsonNode body = Answers.check(response, expected, request);
        if (documented != null) {
            Map<String, List<String>> headers = new HashMap<>();
            response.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
            DOCUMENT.check(event.getRequestContext().getHttp().getMethod(), documented, response.getStatusCode(), headers,
                    response.getBody());
        }
        int status = response.getStatusCode();
        Statistics.label("status").collect(status);
        if (status >= 400) {
            assertThat(answered.writes()).as("a refused request writes nothing (answered %s)", response.getBody()).isEmpty();
        } else if ("POST".equals(event.getRequestContext().getHttp().getMethod())) {
            assertThat(body.get("object").asText()).isEqualTo("video");
            assertThat(body.get("status").asText()).isEqualTo("queued");
            if (!response.getHeaders().containsKey("idempotent-replayed")) {
                assertThat(answered.writes()).as("a new task is stored and queued").contains("dynamodb:TransactWriteItems", "sqs:SendMessage");
                created++;
                objectsPut += (int) answered.writes().stream().filter(call -> call.equals("s3:PutObject")).count();
            }
        } else {
            assertThat(body.get("object").asText()).isEqualTo("video.deleted");
            deleted++;
        }
        return body;
    }

    private void send(Delivery delivery) {
        send(ApiEvents.submit(delivery, StoredFixture.OWNER_KEY), delivery.expected(), delivery::holds, "/v1/videos");
    }

    @Provide
    Arbitrary<Delivery> jsonBodies() {
        return Mutations.bodies().flatMap(Deliveries::json);
    }

    @Provide
    Arbitrary<Delivery> formBodies() {
        return Mutations.bodies().flatMap(Deliveries::form);
    }

    @Provide
    Arbitrary<Delivery> noRequests() {
        Arbitrary<Delivery> notJson = RequestTrees.valid().map(t -> new BodyTree("valid", t, Expectation.accepted(), Expectation.accepted()))
                .flatMap(Deliveries::notJson);
        return Arbitraries.oneOf(Deliveries.noRequest(), notJson);
    }

    @Provide
    Arbitrary<String> notBase64() {
        return Deliveries.notBase64();
    }

    @Provide
    Arbitrary<RouteRequests.RouteRequest> routeRequests() {
        return RouteRequests.requests(ApiRoutes.SUBMIT, fixture, RequestTrees.valid().map(t -> JsonText.write(t, true)));
    }

    @Property
    void jsonBodiesAreServedOrRefusedNamingTheField(@ForAll("jsonBodies") Delivery delivery) {
        Statistics.label("expected").collect(delivery.expected().outcome());
        send(delivery);
    }

    @Property
    void formsAreServedOrRefusedNamingTheField(@ForAll("formBodies") Delivery delivery) {
        Statistics.label("expected").collect(delivery.expected().outcome());
        send(delivery);
    }

    @Property
    void bodiesThatAreNoRequestAreRefused(@ForAll("noRequests") Delivery delivery) {
        send(delivery);
    }

    @Property(tries = 20)
    void aBodyMarkedBase64ThatIsNotIsRefused(@ForAll("notBase64") String body) {
        APIGatewayV2HTTPEvent event = ApiEvents.event("POST", "/v1/videos", null, Map.of("authorization", "Bearer "
                + StoredFixture.OWNER_KEY, "content-type", "application/json"), body, true);
        send(event, Expectation.refusedNaming((String) null), (param, code) -> false, "/v1/videos");
    }

    @Property
    void keysHeadersAndIdsAreCheckedOnBothRoutes(@ForAll("routeRequests") RouteRequests.RouteRequest request) {
        send(request.event(), request.expected(), request::holds, request.documented());
    }
}
