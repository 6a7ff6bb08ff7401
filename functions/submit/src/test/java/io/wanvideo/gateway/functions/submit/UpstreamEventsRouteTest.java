package io.wanvideo.gateway.functions.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * POST /upstream-events/{account} (README, "Completion events"), through the real submit handler against DynamoDB
 * Local and ElasticMQ: an event with the right token is queued for the poller as the task it names; every other
 * request is refused with the API's error body, naming what is wrong, and queues nothing.
 */
class UpstreamEventsRouteTest {
    private static final String TOKEN = "evt-example-token-0000";
    private final LocalAws aws = LocalAws.get();
    private String table;
    private LocalAws.Queues queues;

    @BeforeEach
    void setUp() {
        table = aws.newTable();
        queues = aws.newQueues(5, 30);
    }

    /** Each CompletionEventsRefused data point's reason, in order. */
    private final List<String> refused = new ArrayList<>();

    @AfterEach
    void tearDown() {
        Metrics.install(Metrics.NONE);
    }

    /** The handler, its metrics recorded here rather than printed (it installs its own sink when built). */
    private ApiGatewaySubmitVideoHandler handler(Map<String, String> env) {
        ApiGatewaySubmitVideoHandler handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues, env)));
        Metrics.install((metric, value, dimensions) -> {
            if (metric == Metric.COMPLETION_EVENTS_REFUSED) {
                refused.add(Metrics.dimensionsOf(metric, dimensions).get("Reason"));
            }
        });
        return handler;
    }

    private ApiGatewaySubmitVideoHandler taking() {
        return handler(Map.of("UPSTREAM_EVENTS_TOKEN", TOKEN));
    }

    /** The sample: EventBridge's delivery of a SUCCEEDED task's event, as API Gateway hands it to the function. */
    private static APIGatewayV2HTTPEvent sample() {
        return EventLoader.loadApiGatewayHttpEvent(Repository.path("events/upstream-completion-event.json"));
    }

    private static APIGatewayV2HTTPEvent with(String header, String value, String body) {
        return HttpEvents.with(sample(), header, value, body);
    }

    private static APIGatewayV2HTTPEvent forAccount(String account) {
        APIGatewayV2HTTPEvent event = sample();
        event.setRawPath("/upstream-events/" + account);
        event.getRequestContext().getHttp().setPath("/upstream-events/" + account);
        event.setPathParameters(Map.of("account", account));
        return event;
    }

    private List<Message> queued() {
        return aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
    }

    /** The refusal's status and the error's code and param, its body having nothing but the error. */
    private static String refusal(APIGatewayV2HTTPResponse response) throws Exception {
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        return response.getStatusCode() + " " + body.at("/error/code").asText() + " " + body.at("/error/param").asText(null);
    }

    @Test
    void theSampleEventIsQueuedForThePollerAsTheTaskItNames() throws Exception {
        APIGatewayV2HTTPResponse response = taking().handleRequest(sample(), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.get("received").asBoolean()).isTrue();
        assertThat(body.get("task_id").asText()).isEqualTo("0385dc79-5ff8-4d82-bcb6-xxxxxx");
        assertThat(refused).isEmpty();
        List<Message> messages = queued();
        assertThat(messages).hasSize(1);
        TaskMessage message = Json.read(messages.get(0).body(), TaskMessage.class);
        assertThat(message).isEqualTo(TaskMessage.event("default", "0385dc79-5ff8-4d82-bcb6-xxxxxx"));
    }

    @Test
    void anEventAboutATaskStillGoingIsTakenButQueuesNothing() throws Exception {
        APIGatewayV2HTTPResponse response = taking().handleRequest(with("content-type", "application/cloudevents+json",
                "{\"specversion\":\"1.0\",\"data\":{\"task_id\":\"abc-1\",\"task_status\":\"RUNNING\"}}"), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).get("task_id").isNull()).isTrue();
        assertThat(queued()).isEmpty();
    }

    @Test
    void withoutATokenConfiguredTheRouteIsNotFound() throws Exception {
        assertThat(refusal(handler(Map.of()).handleRequest(sample(), null))).startsWith("404 not_found");
        assertThat(queued()).isEmpty();
    }

    @Test
    void aMissingOrWrongTokenIs401() throws Exception {
        ApiGatewaySubmitVideoHandler handler = taking();
        assertThat(refusal(handler.handleRequest(with("authorization", null, null), null))).startsWith("401 invalid_api_key");
        assertThat(refusal(handler.handleRequest(with("authorization", "Bearer " + TOKEN + "x", null), null)))
                .startsWith("401 invalid_api_key");
        assertThat(refusal(handler.handleRequest(with("authorization", "Basic " + TOKEN, null), null)))
                .startsWith("401 invalid_api_key");
        assertThat(refused).containsExactly("token", "token", "token");
        assertThat(queued()).isEmpty();
    }

    @Test
    void anAccountNotConfiguredIs404NamingTheAccount() throws Exception {
        assertThat(refusal(taking().handleRequest(forAccount("elsewhere"), null))).isEqualTo("404 not_found account");
        assertThat(refused).containsExactly("account");
        assertThat(queued()).isEmpty();
    }

    @Test
    void anEventThatNamesNoTaskIs400NamingWhereTheIdBelongs() throws Exception {
        ApiGatewaySubmitVideoHandler handler = taking();
        assertThat(refusal(handler.handleRequest(with("content-type", "application/json", "{\"data\":{}}"), null)))
                .isEqualTo("400 invalid_value data.task_id");
        assertThat(refusal(handler.handleRequest(with("content-type", "application/json",
                "{\"data\":{\"task_id\":\"../../x\"}}"), null))).isEqualTo("400 invalid_value data.task_id");
        assertThat(refusal(handler.handleRequest(with("content-type", "application/json", "[1]"), null)))
                .isEqualTo("400 invalid_value data");
        assertThat(refusal(handler.handleRequest(with("content-type", "application/json", "{\"data\":"), null)))
                .startsWith("400 invalid_json");
        assertThat(refusal(handler.handleRequest(with("content-type", "text/plain", null), null))).startsWith("415");
        // Counted are the bodies read as events; one that is not JSON at all never reached the adapter.
        assertThat(refused).containsExactly("unreadable", "unreadable", "unreadable");
        assertThat(queued()).isEmpty();
    }
}
