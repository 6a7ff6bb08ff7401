package io.wanvideo.gateway.functions.submit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.FormBuilder;
import io.wanvideo.gateway.testing.FormFixture;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import io.wanvideo.gateway.testing.StoreInvariants;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** The real handler, built from its environment, against DynamoDB Local and ElasticMQ. */
class ApiGatewaySubmitVideoHandlerTest {
    private static final String KEY = "sk-wan-example-key-0000";
    private final LocalAws aws = LocalAws.get();
    private String table;
    private LocalAws.Queues queues;
    private ApiGatewaySubmitVideoHandler handler;

    @BeforeEach
    void setUp() {
        table = aws.newTable();
        queues = aws.newQueues(5, 30);
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash(KEY), ApiKeyStore.ApiKeyRecord.of("tenant-example"));
        handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues, Map.of())));
    }

    private static final ApiDocument DOCUMENT = ApiDocument.load();

    /** Every answer is also held to the OpenAPI document. */
    private APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        DOCUMENT.check(event, response);
        return response;
    }

    private static APIGatewayV2HTTPEvent event(String file) {
        return EventLoader.loadApiGatewayHttpEvent(Repository.path("events/" + file));
    }

    private List<Message> queued() {
        return aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
    }

    private int storedTasks() {
        return aws.dynamo().scan(s -> s.tableName(table).filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("task#"))))
                .count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit-r2v.json", "submit-i2v.json"})
    void sampleEventsQueueATask(String file) throws Exception {
        APIGatewayV2HTTPResponse response = invoke(event(file));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/json; charset=utf-8");
        JsonNode task = Json.tree(response.getBody());
        JsonNode request = Json.tree(event(file).getBody());
        assertThat(task.get("id").asText()).startsWith("video_").isEqualTo(task.get("task_id").asText());
        assertThat(task.get("object").asText()).isEqualTo("video");
        assertThat(task.get("model").asText()).isEqualTo(request.get("model").asText());
        assertThat(task.get("status").asText()).isEqualTo("queued");
        assertThat(task.get("progress").asInt()).isZero();
        assertThat(task.get("seconds").asText()).isEqualTo(request.get("seconds").asText());
        assertThat(task.get("size").asText()).isEqualTo(request.get("size").asText());
        assertThat(task.get("created_at").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
        assertThat(task.get("video_url").isNull()).isTrue();
        assertThat(task.get("error").isNull()).isTrue();

        var stored = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1)).find(task.get("id").asText()).orElseThrow();
        assertThat(stored.tenant()).isEqualTo("tenant-example");
        List<Message> messages = queued();
        assertThat(messages).hasSize(1);
        TaskMessage message = Json.read(messages.get(0).body(), TaskMessage.class);
        assertThat(message).isEqualTo(new TaskMessage(TaskMessage.ADVANCE, stored.id(), 1L));
    }

    record Refusal(int status, String type, String code, String param) {}

    private Refusal refusal(APIGatewayV2HTTPEvent event) throws Exception {
        APIGatewayV2HTTPResponse response = invoke(event);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        JsonNode error = body.get("error");
        assertThat(error.get("message").asText()).isNotBlank();
        return new Refusal(response.getStatusCode(), error.get("type").asText(), error.get("code").asText(),
                error.get("param").isNull() ? null : error.get("param").asText());
    }

    private static APIGatewayV2HTTPEvent with(String header, String value, String body) {
        return HttpEvents.with(event("submit-r2v.json"), header, value, body);
    }

    @Test
    void refusalsLeaveNothingBehind() throws Exception {
        assertThat(refusal(with("authorization", null, null))).isEqualTo(new Refusal(401, "authentication_error", "invalid_api_key", null));
        assertThat(refusal(with("authorization", "Basic abc", null))).isEqualTo(new Refusal(401, "authentication_error", "invalid_api_key", null));
        assertThat(refusal(with("authorization", "Bearer sk-unknown", null))).isEqualTo(new Refusal(401, "authentication_error", "invalid_api_key", null));
        assertThat(refusal(with("content-type", "text/plain", null))).isEqualTo(new Refusal(415, "invalid_request_error", "unsupported_media_type", null));
        assertThat(refusal(with("content-type", "application/json", "{\"model\":"))).isEqualTo(new Refusal(400, "invalid_request_error", "invalid_json", null));
        assertThat(refusal(with("content-type", "application/json", "{\"model\":\"a\",\"model\":\"b\"}")))
                .isEqualTo(new Refusal(400, "invalid_request_error", "invalid_json", null));
        assertThat(refusal(with("content-type", "application/json", ""))).isEqualTo(new Refusal(400, "invalid_request_error", "invalid_json", null));
        assertThat(refusal(with("content-type", "application/json", "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"media\":[],\"seconds\":\"20\"}")))
                .isEqualTo(new Refusal(400, "invalid_request_error", "invalid_media_combination", "media"));
        assertThat(storedTasks()).isZero();
        assertThat(queued()).isEmpty();
    }

    @Test
    void aBodyBeyondTheLimitIs413() throws Exception {
        handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues, Map.of("MAX_BODY_BYTES", "1000"))));
        String big = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + "x".repeat(2000) + "\",\"media\":[]}";
        assertThat(refusal(with("content-type", "application/json", big)))
                .isEqualTo(new Refusal(413, "invalid_request_error", "payload_too_large", null));
    }

    @Test
    void inlineMediaTooLargeToStoreIs413NamingTheField() throws Exception {
        String image = "data:image/png;base64," + "A".repeat(400_000);
        String body = "{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"" + image + "\"}]}";
        assertThat(refusal(with("content-type", "application/json", body)))
                .isEqualTo(new Refusal(413, "invalid_request_error", "payload_too_large", "media[0].url"));
        assertThat(storedTasks()).isZero();
    }

    @Test
    void acceptsABase64EncodedBody() throws Exception {
        APIGatewayV2HTTPEvent event = event("submit-i2v.json");
        event.setBody(Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertThat(invoke(event).getStatusCode()).isEqualTo(200);
    }

    /** A body the openai npm SDK sent, delivered as API Gateway would: as text, or base64-encoded as binary. */
    private static APIGatewayV2HTTPEvent form(String contentType, byte[] body, boolean base64) {
        APIGatewayV2HTTPEvent event = with("content-type", contentType, null);
        event.setBody(base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));
        event.setIsBase64Encoded(base64);
        return event;
    }

    private static APIGatewayV2HTTPEvent form(String fixture, boolean base64) {
        FormFixture form = FormFixture.load(fixture);
        return form(form.contentType(), form.body(), base64);
    }

    private VideoSpec stored(JsonNode task) {
        return new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1)).find(task.get("id").asText()).orElseThrow().spec();
    }

    @Test
    void acceptsTheMultipartFormOfTheOpenAiSdk() throws Exception {
        APIGatewayV2HTTPResponse response = invoke(form("r2v-media", false));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode task = Json.tree(response.getBody());
        assertThat(task.get("status").asText()).isEqualTo("queued");
        assertThat(task.get("model").asText()).isEqualTo("wan2.7-r2v");
        assertThat(task.get("seconds").asText()).isEqualTo("5");
        assertThat(task.get("size").asText()).isEqualTo("720P");
        assertThat(task.get("ratio").asText()).isEqualTo("9:16");
        assertThat(task.get("prompt").asText()).isEqualTo("Image 1 walks through a night market \uD83C\uDFAE\nmoving like Video 1");
        VideoSpec spec = stored(task);
        assertThat(spec.promptExtend()).isFalse();
        assertThat(spec.watermark()).isTrue();
        assertThat(spec.seed()).isEqualTo(42L);
        assertThat(spec.media()).containsExactly(
                new MediaItem(MediaType.REFERENCE_IMAGE, "https://example.com/character.png", "https://example.com/voice.mp3"),
                new MediaItem(MediaType.REFERENCE_VIDEO, "https://example.com/walk.mp4", null));
        assertThat(queued()).hasSize(1);
    }

    /** The sample event is i2v-media-upload as API Gateway delivers a multipart body: base64-encoded. */
    @Test
    void anUploadedFrameDeliveredBase64IsStoredAsItsDataUri() throws Exception {
        APIGatewayV2HTTPEvent event = event("submit-i2v-form.json");
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(FormFixture.load("i2v-media-upload").body());
        APIGatewayV2HTTPResponse response = invoke(event);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        VideoSpec spec = stored(Json.tree(response.getBody()));
        assertThat(spec.media()).containsExactly(
                new MediaItem(MediaType.FIRST_FRAME, "data:image/png;base64," + Base64.getEncoder().encodeToString(FormFixture.file("frame.png")), null),
                new MediaItem(MediaType.DRIVING_AUDIO, "https://example.com/hello.mp3", null));
        assertThat(spec.seconds()).isEqualTo(8);
    }

    @Test
    void aFormIsJudgedByTheContractNotRefusedAsAMediaType() throws Exception {
        for (boolean base64 : new boolean[] {false, true}) {
            assertThat(refusal(form("openai-sora", base64))).isEqualTo(new Refusal(400, "invalid_request_error", "invalid_value", "model"));
        }
        byte[] unclosed = new FormBuilder().field("model", "wan2.7-r2v").field("prompt", "a cat").unclosed();
        assertThat(refusal(form(FormBuilder.CONTENT_TYPE, unclosed, true)))
                .isEqualTo(new Refusal(400, "invalid_request_error", "invalid_form", null));
        byte[] twice = new FormBuilder().field("model", "wan2.7-r2v").field("model", "wan2.7-i2v").build();
        assertThat(refusal(form(FormBuilder.CONTENT_TYPE, twice, false)))
                .isEqualTo(new Refusal(400, "invalid_request_error", "invalid_form", "model"));
        assertThat(storedTasks()).isZero();
        assertThat(queued()).isEmpty();
    }

    @Test
    void anUnreachableQueueStillStoresTheTaskForTheSweepToStart() throws Exception {
        handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues,
                Map.of("QUEUE_URL", queues.pollQueueUrl() + "-does-not-exist"))));
        APIGatewayV2HTTPResponse response = invoke(event("submit-r2v.json"));
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).get("status").asText()).isEqualTo("queued");
        assertThat(storedTasks()).isOne();
    }

    @Test
    void theDeleteSampleRemovesAQueuedTaskAndGivesItsPlaceBack() throws Exception {
        APIGatewayV2HTTPEvent delete = event("delete-video.json");
        String id = delete.getPathParameters().get("id");
        DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        VideoTask task = VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), 1_000L);
        store.create(task, Admission.UNLIMITED);
        assertThat(store.backlogHead(task.pool(), "tenant-example", 10)).hasSize(1);

        APIGatewayV2HTTPResponse response = invoke(delete);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.get("id").asText()).isEqualTo(id);
        assertThat(body.get("object").asText()).isEqualTo("video.deleted");
        assertThat(body.get("deleted").asBoolean()).isTrue();
        assertThat(store.find(id)).isEmpty();
        assertThat(store.backlogHead(task.pool(), "tenant-example", 10)).isEmpty();

        APIGatewayV2HTTPResponse again = invoke(event("delete-video.json"));
        assertThat(again.getStatusCode()).isEqualTo(404);
        assertThat(Json.tree(again.getBody()).at("/error/code").asText()).isEqualTo("not_found");
    }

    // ------------------------------------------------------------------ tenant limits (429)

    /** A refusal for a tenant limit, as the client sees it. */
    record Throttled(String limit, int retryAfterSeconds) {}

    private APIGatewayV2HTTPResponse submitAs(String key, String file) {
        APIGatewayV2HTTPEvent event = event(file);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", "Bearer " + key);
        event.setHeaders(headers);
        return invoke(event);
    }

    private void accepted(String key, String file) {
        APIGatewayV2HTTPResponse response = submitAs(key, file);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    }

    /** Which limit the 429 names (its message), and its Retry-After; the body is the API's error body. */
    private Throttled throttled(String key, String file) throws Exception {
        APIGatewayV2HTTPResponse response = submitAs(key, file);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        JsonNode error = body.get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("param").isNull()).isTrue();
        String message = error.get("message").asText();
        String retryAfter = response.getHeaders().get("retry-after");
        assertThat(retryAfter).as("Retry-After").isNotNull().matches("[0-9]+");
        assertThat(message).contains("Retry after " + retryAfter + " s");
        String limit = message.contains("waiting for this model") ? "waiting per model"
                : message.contains("this minute") ? "submits per minute" : message;
        return new Throttled(limit, Integer.parseInt(retryAfter));
    }

    /** Messages on the poll queue, all of them (each received once, then hidden for the test's length). */
    private int messages() {
        int count = 0;
        for (List<Message> batch = queued(); !batch.isEmpty(); batch = queued()) {
            count += batch.size();
        }
        return count;
    }

    private void keyWithLimits(String key, String tenant, Integer maxWaiting, Integer submitsPerMinute) {
        new DynamoApiKeyStore(aws.dynamo(), table).put(ApiKeys.hash(key),
                new ApiKeyStore.ApiKeyRecord(tenant, maxWaiting, submitsPerMinute, null, null));
    }

    /** The per-minute count is one item per calendar minute: a test that fills one must not straddle two. */
    private static void awayFromTheTurnOfAMinute() throws InterruptedException {
        long left = 60_000 - System.currentTimeMillis() % 60_000;
        if (left < 15_000) {
            Thread.sleep(left + 200);
        }
    }

    @Test
    void aTenantAtItsKeysWaitingLimitForAModelGets429AndNothingIsWritten() throws Exception {
        awayFromTheTurnOfAMinute();
        keyWithLimits("sk-limited", "limited", 2, 3);
        accepted("sk-limited", "submit-r2v.json");
        accepted("sk-limited", "submit-r2v.json");
        assertThat(throttled("sk-limited", "submit-r2v.json")).isEqualTo(new Throttled("waiting per model", 30));
        assertThat(storedTasks()).isEqualTo(2);
        assertThat(messages()).isEqualTo(2);
        // Waiting is counted per model (each model has its own slots upstream), and the refusal used none of the
        // minute's three submits: the third goes through, the fourth meets the per-minute limit.
        accepted("sk-limited", "submit-i2v.json");
        assertThat(throttled("sk-limited", "submit-i2v.json").limit()).isEqualTo("submits per minute");
        // Another tenant is not held up by this one's limits.
        accepted(KEY, "submit-r2v.json");
        assertThat(storedTasks()).isEqualTo(4);
        assertThat(messages()).isEqualTo(2);
        StoreInvariants.check(aws.dynamo(), table);
    }

    @Test
    void aTenantAtItsKeysSubmitsPerMinuteGets429UntilTheMinuteTurnsAndNothingIsWritten() throws Exception {
        awayFromTheTurnOfAMinute();
        keyWithLimits("sk-limited", "limited", null, 2);
        accepted("sk-limited", "submit-r2v.json");
        accepted("sk-limited", "submit-i2v.json");
        long secondsLeft = (60_000 - System.currentTimeMillis() % 60_000 + 999) / 1000;
        Throttled refused = throttled("sk-limited", "submit-r2v.json");
        assertThat(refused.limit()).isEqualTo("submits per minute");
        assertThat(refused.retryAfterSeconds()).isBetween(1, (int) secondsLeft);
        assertThat(storedTasks()).isEqualTo(2);
        assertThat(messages()).isEqualTo(2);
        StoreInvariants.check(aws.dynamo(), table);
    }

    @Test
    void withoutLimitsOnItsKeyATenantHasTheDeploymentsDefaults() throws Exception {
        awayFromTheTurnOfAMinute();
        handler = new ApiGatewaySubmitVideoHandler(new Env(aws.environment(table, queues,
                Map.of("TENANT_MAX_WAITING", "2", "TENANT_SUBMITS_PER_MINUTE", "3"))));
        accepted(KEY, "submit-r2v.json");
        accepted(KEY, "submit-r2v.json");
        assertThat(throttled(KEY, "submit-r2v.json")).isEqualTo(new Throttled("waiting per model", 30));
        accepted(KEY, "submit-i2v.json");
        assertThat(throttled(KEY, "submit-i2v.json").limit()).isEqualTo("submits per minute");
        assertThat(storedTasks()).isEqualTo(3);
        assertThat(messages()).isEqualTo(3);
        // A key's own limits win over the defaults, each on its own.
        keyWithLimits("sk-generous", "generous", 4, null);
        for (int i = 0; i < 3; i++) {
            accepted("sk-generous", "submit-r2v.json");
        }
        assertThat(throttled("sk-generous", "submit-r2v.json").limit()).isEqualTo("submits per minute");
        assertThat(storedTasks()).isEqualTo(6);
        StoreInvariants.check(aws.dynamo(), table);
    }
}
