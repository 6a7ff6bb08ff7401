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
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.FormBuilder;
import io.wanvideo.gateway.testing.FormFixture;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
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

    private APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, null);
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
        APIGatewayV2HTTPEvent event = event("submit-r2v.json");
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (value == null) {
            headers.remove(header);
        } else {
            headers.put(header, value);
        }
        event.setHeaders(headers);
        if (body != null) {
            event.setBody(body);
        }
        return event;
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
    void noInputProducesA500() throws Exception {
        for (String body : List.of("null", "[]", "1", "\"x\"", "{}", "{\"model\":{}}", "{\"model\":\"wan2.7-r2v\",\"media\":[null]}",
                "{\"model\":\"wan2.7-r2v\",\"prompt\":\"a\",\"media\":[{\"type\":\"reference_image\",\"url\":\"http://[::1\"}]}",
                "{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://a\"}],\"seconds\":\"99999999999\"}",
                "\u0000", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}")) {
            APIGatewayV2HTTPResponse response = invoke(with("content-type", "application/json", body));
            assertThat(response.getStatusCode()).as(body.length() > 60 ? body.substring(0, 60) : body).isBetween(400, 499);
        }
        assertThat(storedTasks()).isZero();
    }
}
