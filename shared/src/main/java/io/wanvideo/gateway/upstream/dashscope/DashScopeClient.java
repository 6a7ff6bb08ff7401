package io.wanvideo.gateway.upstream.dashscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.UpstreamException.Kind;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * {@link VideoUpstream} for Alibaba Cloud Model Studio (DashScope) asynchronous video synthesis.
 * Targets the real DashScope unless given another base URL (a region, a workspace domain, the simulator).
 * The API key is never logged.
 */
public final class DashScopeClient implements VideoUpstream {
    public static final String SINGAPORE = "https://dashscope-intl.aliyuncs.com";
    public static final String BEIJING = "https://dashscope.aliyuncs.com";
    static final String CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis";
    static final String TASKS_PATH = "/api/v1/tasks/";

    /**
     * A create is only sent over a connection used within this long. A pooled connection idle for longer
     * may have been closed by the server (or gone stale while a Lambda environment was frozen); a POST that
     * fails on one has an unknowable outcome, and creates cannot be retried blindly.
     */
    private static final Duration CREATE_CONNECTION_MAX_IDLE = Duration.ofSeconds(5);

    public record Settings(URI baseUrl, Duration connectTimeout, Duration createTimeout, Duration queryTimeout) {
        public static Settings defaults(URI baseUrl) {
            return new Settings(baseUrl, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10));
        }
    }

    private final Settings settings;
    private final String apiKey;
    private final Clock clock;
    private final HttpClient queryClient;
    private HttpClient createClient;
    private long createClientLastUsedMs;

    public DashScopeClient(Settings settings, String apiKey, Clock clock) {
        this.settings = settings;
        this.apiKey = apiKey;
        this.clock = clock;
        this.queryClient = newClient();
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private synchronized HttpClient createClient() {
        long now = clock.millis();
        if (createClient == null || now - createClientLastUsedMs > CREATE_CONNECTION_MAX_IDLE.toMillis()) {
            createClient = newClient();
        }
        createClientLastUsedMs = now;
        return createClient;
    }

    @Override
    public String create(VideoSpec spec) {
        HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve(CREATE_PATH))
                .timeout(settings.createTimeout())
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("X-DashScope-Async", "enable")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(createBody(spec)), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = createClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new UpstreamException(Kind.TRANSIENT, 0, null, "could not connect to DashScope: " + e, e);
        } catch (IOException e) {
            throw new UpstreamException(Kind.UNCERTAIN, 0, null, "create sent but not answered: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(Kind.UNCERTAIN, 0, null, "interrupted during create", e);
        }
        if (response.statusCode() != 200) {
            throw refusal(response);
        }
        JsonNode body = parse(response.body());
        String taskId = body == null ? null : body.path("output").path("task_id").textValue();
        if (taskId == null || taskId.isBlank()) {
            throw new UpstreamException(Kind.UNCERTAIN, 200, null,
                    "create answered 200 without a task id: " + abbreviate(response.body()), null);
        }
        return taskId;
    }

    @Override
    public UpstreamTask query(String upstreamTaskId) {
        HttpResponse<String> response = callTasksApi(TASKS_PATH + upstreamTaskId, null);
        if (response.statusCode() != 200) {
            throw refusal(response);
        }
        JsonNode body = parse(response.body());
        JsonNode output = body == null ? null : body.get("output");
        String status = output == null ? null : output.path("task_status").textValue();
        if (status == null) {
            throw new UpstreamException(Kind.TRANSIENT, 200, null,
                    "query answered 200 without a task_status: " + abbreviate(response.body()), null);
        }
        return new UpstreamTask(upstreamTaskId, status, text(output, "code"), text(output, "message"),
                text(output, "video_url"), usage(body.get("usage")));
    }

    @Override
    public void cancel(String upstreamTaskId) {
        HttpResponse<String> response = callTasksApi(TASKS_PATH + upstreamTaskId + "/cancel", "");
        if (response.statusCode() != 200) {
            throw refusal(response);
        }
    }

    /** Query (GET) and cancel (POST with a body): unlike a create, repeating one of these does no harm. */
    private HttpResponse<String> callTasksApi(String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.baseUrl().resolve(path))
                .timeout(settings.queryTimeout())
                .header("Authorization", "Bearer " + apiKey);
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        try {
            return queryClient.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new UpstreamException(Kind.TRANSIENT, 0, null, "DashScope did not answer in time", e);
        } catch (IOException e) {
            throw new UpstreamException(Kind.TRANSIENT, 0, null, "DashScope call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(Kind.TRANSIENT, 0, null, "interrupted", e);
        }
    }

    /** The create body of spec/upstream.md. Absent optional fields are omitted, never sent as null. */
    static ObjectNode createBody(VideoSpec spec) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("model", spec.model().id());
        ObjectNode input = root.putObject("input");
        if (spec.prompt() != null) {
            input.put("prompt", spec.prompt());
        }
        if (spec.negativePrompt() != null) {
            input.put("negative_prompt", spec.negativePrompt());
        }
        ArrayNode media = input.putArray("media");
        for (MediaItem item : spec.media()) {
            ObjectNode m = media.addObject();
            m.put("type", item.type().wire());
            m.put("url", item.url());
            if (item.referenceVoice() != null) {
                m.put("reference_voice", item.referenceVoice());
            }
        }
        ObjectNode parameters = root.putObject("parameters");
        parameters.put("resolution", spec.size().wire());
        if (spec.model().family() == ModelFamily.R2V && spec.ratio() != null) {
            parameters.put("ratio", spec.ratio());
        }
        parameters.put("duration", spec.seconds());
        parameters.put("prompt_extend", spec.promptExtend());
        parameters.put("watermark", spec.watermark());
        if (spec.seed() != null) {
            parameters.put("seed", spec.seed());
        }
        return root;
    }

    private static UpstreamException refusal(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        String code = body == null ? null : text(body, "code");
        String message = body == null ? null : text(body, "message");
        Kind kind = status == 429 ? Kind.THROTTLED
                : status == 408 || status >= 500 ? Kind.TRANSIENT
                : Kind.PERMANENT;
        String text = (code == null ? "HTTP " + status : code) + (message == null ? "" : ": " + message);
        return new UpstreamException(kind, status, code, text, null);
    }

    /** Numbers arrive as integers, floats or strings. */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        double input = number(usage.get("input_video_duration"));
        double output = number(usage.get("output_video_duration"));
        double billed = usage.has("duration") ? number(usage.get("duration")) : input + output;
        return new Usage(input, output, billed);
    }

    private static double number(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        try {
            return Double.parseDouble(node.asText().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = Json.tree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
