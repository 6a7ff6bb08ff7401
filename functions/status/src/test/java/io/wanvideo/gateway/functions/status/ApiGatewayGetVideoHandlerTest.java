package io.wanvideo.gateway.functions.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiGatewayGetVideoHandlerTest {
    private static final String OWNER_KEY = "sk-wan-example-key-0000";
    private static final String OTHER_KEY = "sk-wan-other-tenant-key";
    private final LocalAws aws = LocalAws.get();
    private DynamoTaskStore store;
    private ApiGatewayGetVideoHandler handler;
    private APIGatewayV2HTTPEvent sample;
    private String id;

    @BeforeEach
    void setUp() {
        String table = aws.newTable();
        DynamoApiKeyStore keys = new DynamoApiKeyStore(aws.dynamo(), table);
        keys.put(ApiKeys.hash(OWNER_KEY), ApiKeyStore.ApiKeyRecord.of("tenant-example"));
        keys.put(ApiKeys.hash(OTHER_KEY), ApiKeyStore.ApiKeyRecord.of("tenant-other"));
        store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        handler = new ApiGatewayGetVideoHandler(new Env(aws.environment(table, null, Map.of())));
        sample = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video.json"));
        id = sample.getPathParameters().get("id");
    }

    private static final ApiDocument DOCUMENT = ApiDocument.load();

    private JsonNode ok(APIGatewayV2HTTPEvent event) throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        DOCUMENT.check(event, response);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return Json.tree(response.getBody());
    }

    private JsonNode error(APIGatewayV2HTTPEvent event, int status) throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.fieldNames()).toIterable().containsExactly("error");
        return body.get("error");
    }

    private APIGatewayV2HTTPEvent request(String method, String path, String key) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video.json"));
        event.setRawPath(path);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.setPathParameters(null);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (key == null) {
            headers.remove("authorization");
        } else {
            headers.put("authorization", "Bearer " + key);
        }
        event.setHeaders(headers);
        return event;
    }

    @Test
    void theSampleEventFindsTheOwnersTask() throws Exception {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), 1_795_262_400_000L), Admission.UNLIMITED);
        JsonNode task = ok(sample);
        assertThat(task.get("id").asText()).isEqualTo(id);
        assertThat(task.get("status").asText()).isEqualTo("queued");
        assertThat(task.get("created_at").asLong()).isEqualTo(1_795_262_400L);
        assertThat(task.get("prompt").asText()).isEqualTo("a cat");
        assertThat(task.get("ratio").asText()).isEqualTo("16:9");
    }

    @Test
    void aCompletedTaskCarriesItsVideoUsageAndExpiry() throws Exception {
        long completed = (System.currentTimeMillis() / 1000 - 60) * 1000;
        VideoTask queued = VideoTask.queued(id, "tenant-example", Specs.i2v(null), completed - 100_000);
        store.create(queued, Admission.UNLIMITED);
        store.transition(queued, queued.next().state(TaskState.COMPLETED).upstreamId("up").completedMs(completed)
                .videoUrl("https://dashscope-result.oss/v.mp4").videoExpiresMs(completed + 86_400_000L)
                .usage(new Usage(0, 5, 5, 0.75)).build());
        JsonNode task = ok(sample);
        assertThat(task.get("status").asText()).isEqualTo("completed");
        assertThat(task.get("progress").asInt()).isEqualTo(100);
        assertThat(task.get("video_url").asText()).isEqualTo("https://dashscope-result.oss/v.mp4");
        assertThat(task.at("/metadata/url").asText()).isEqualTo("https://dashscope-result.oss/v.mp4");
        assertThat(task.get("completed_at").asLong()).isEqualTo(completed / 1000);
        assertThat(task.get("expires_at").asLong()).isEqualTo(completed / 1000 + 86_400L);
        assertThat(task.at("/usage/output_video_seconds").asDouble()).isEqualTo(5.0);
        assertThat(task.at("/usage/cost").asDouble()).isEqualTo(0.75);
        assertThat(task.get("ratio").isNull()).isTrue();
    }

    @Test
    void aFailedTaskCarriesItsError() throws Exception {
        VideoTask queued = VideoTask.queued(id, "tenant-example", Specs.r2v("x"), 1_000_000L);
        store.create(queued, Admission.UNLIMITED);
        store.transition(queued, queued.next().state(TaskState.FAILED).completedMs(2_000_000L)
                .error(new TaskError("DataInspectionFailed", "The input did not pass inspection.")).build());
        JsonNode task = ok(sample);
        assertThat(task.get("status").asText()).isEqualTo("failed");
        assertThat(task.at("/error/code").asText()).isEqualTo("DataInspectionFailed");
        assertThat(task.has("usage")).isFalse();
        assertThat(task.get("video_url").isNull()).isTrue();
    }

    @Test
    void anotherTenantsTaskIsIndistinguishableFromNone() throws Exception {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), 1L), Admission.UNLIMITED);
        JsonNode other = error(request("GET", "/v1/videos/" + id, OTHER_KEY), 404);
        JsonNode none = error(request("GET", "/v1/videos/video_01kaexamp1e000000000000001", OWNER_KEY), 404);
        assertThat(other.get("type").asText()).isEqualTo("not_found_error").isEqualTo(none.get("type").asText());
        assertThat(other.get("code").asText()).isEqualTo("not_found").isEqualTo(none.get("code").asText());
        assertThat(error(request("GET", "/v1/videos/not-an-id", OWNER_KEY), 404).get("param").asText()).isEqualTo("id");
    }

    @Test
    void routesAndKeysAreChecked() throws Exception {
        assertThat(error(request("GET", "/v1/videos/" + id, null), 401).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error(request("GET", "/v1/videos/" + id, "sk-nobody"), 401).get("type").asText()).isEqualTo("authentication_error");
        assertThat(error(request("PUT", "/v1/videos/" + id, OWNER_KEY), 405).get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(request("PATCH", "/v1/videos", OWNER_KEY), 405).get("code").asText()).isEqualTo("method_not_allowed");
        assertThat(error(request("GET", "/v2/anything", OWNER_KEY), 404).get("type").asText()).isEqualTo("not_found_error");
        assertThat(error(request("GET", "/index.html", null), 404).get("code").asText()).isEqualTo("not_found");
    }
    @Test
    void theListSampleListsTheCallersTasksNewestFirst() throws Exception {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("older"), 1_000_000L), Admission.UNLIMITED);
        String newer = "video_01kaexamp1e000000000000009";
        store.create(VideoTask.queued(newer, "tenant-example", Specs.r2v("newer"), 2_000_000L), Admission.UNLIMITED);
        store.create(VideoTask.queued("video_01kaexamp1e00000000000000a", "tenant-other", Specs.r2v("theirs"), 3_000_000L),
                Admission.UNLIMITED);
        JsonNode page = ok(EventLoader.loadApiGatewayHttpEvent(Repository.path("events/list-videos.json")));
        assertThat(page.get("object").asText()).isEqualTo("list");
        assertThat(page.get("data")).extracting(v -> v.get("id").asText()).containsExactly(newer, id);
        assertThat(page.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void theContentSampleRedirectsToAFinishedVideoAndIs404Before() throws Exception {
        APIGatewayV2HTTPEvent content = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video-content.json"));
        VideoTask queued = VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), System.currentTimeMillis());
        store.create(queued, Admission.UNLIMITED);
        assertThat(error(content, 404).get("code").asText()).isEqualTo("video_not_ready");

        long completed = System.currentTimeMillis();
        store.transition(queued, queued.next().state(TaskState.COMPLETED).upstreamId("up").completedMs(completed)
                .videoUrl("https://dashscope-result.oss/v.mp4").videoExpiresMs(completed + 86_400_000L)
                .usage(new Usage(0, 5, 5, 0.75)).build());
        APIGatewayV2HTTPResponse response = handler.handleRequest(content, null);
        DOCUMENT.check(content, response);
        assertThat(response.getStatusCode()).isEqualTo(302);
        assertThat(response.getHeaders()).containsEntry("location", "https://dashscope-result.oss/v.mp4");
    }

    @Test
    void theModelsSampleListsBothModels() throws Exception {
        JsonNode models = ok(EventLoader.loadApiGatewayHttpEvent(Repository.path("events/list-models.json")));
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data")).extracting(m -> m.get("id").asText()).containsExactlyInAnyOrder("wan2.7-r2v", "wan2.7-i2v", "wan2.7-i2v-2026-04-25");
    }

    @Test
    void operationsWanDoesNotOfferStillNeedAKeyAndThenSayWhatToDoInstead() throws Exception {
        for (String path : java.util.List.of("/v1/videos/" + id + "/remix", "/v1/videos/edits", "/v1/videos/extensions",
                "/v1/videos/characters")) {
            assertThat(error(request("POST", path, null), 401).get("code").asText()).as(path).isEqualTo("invalid_api_key");
            JsonNode refusal = error(request("POST", path, OWNER_KEY), 400);
            assertThat(refusal.get("code").asText()).as(path).isEqualTo("unsupported_operation");
        }
        assertThat(error(request("GET", "/v1/videos/characters/char_1", null), 401).get("code").asText()).isEqualTo("invalid_api_key");
    }
}
