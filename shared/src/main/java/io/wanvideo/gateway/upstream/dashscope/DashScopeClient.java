package io.wanvideo.gateway.upstream.dashscope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.config.DryRun;
import io.wanvideo.gateway.config.RefreshingSecret;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.CallGate;
import io.wanvideo.gateway.upstream.ListedTask;
import io.wanvideo.gateway.upstream.TaskListing;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link VideoUpstream} for one account of Alibaba Cloud Model Studio (DashScope) asynchronous video synthesis.
 * Every DashScope fact lives here: paths and headers, task statuses and what they mean, error codes and
 * which of them are the account's trouble rather than the task's, and which calls share a rate limit.
 * The API key is never logged, and is re-read when it is refused (it may have been rotated).
 */
public final class DashScopeClient implements VideoUpstream {
    public static final String SINGAPORE = "https://dashscope-intl.aliyuncs.com";
    public static final String BEIJING = "https://dashscope.aliyuncs.com";
    static final String CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis";
    static final String TASKS_PATH = "/api/v1/tasks/";
    /** The batch listing, as the SDKs send it (the documentation page writes a trailing slash; both work). */
    static final String LIST_PATH = "/api/v1/tasks";
    /** Entries per listing page. DashScope documents the default (10) but no maximum; the simulator takes 1..100. */
    static final int LIST_PAGE_SIZE = 100;
    /**
     * The listing's start_time and end_time: YYYYMMDDhhmmss without a zone. The page does not say which zone; UTC+8
     * is the zone of the query's submit_time, Beijing's and Singapore's alike (local/simulator/LISTING.md).
     */
    static final DateTimeFormatter LIST_TIME = DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withZone(ZoneOffset.ofHours(8));
    /** Asking about a task that does not exist is free of side effects and answers 200 UNKNOWN with a working key. */
    static final String PROBE_TASK_ID = "00000000-0000-0000-0000-000000000000";
    /** Refusals that are the account's trouble, not the request's: a revoked or wrong key, no access, arrears. */
    private static final Set<String> ACCOUNT_CODES = Set.of("InvalidApiKey", "AccessDenied", "AccessDenied.Unpurchased",
            "Arrearage");
    /** A refused key that was read this recently is not cured by reading it again. */
    private static final long KEY_REREAD_AFTER_MS = 30_000;

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

    private final String account;
    private final Settings settings;
    private final AccountLimits limits;
    private final RefreshingSecret apiKey;
    private final Clock clock;
    /** Whether this client talks to the priming stand-in on loopback, never to DashScope. */
    private final boolean standIn;
    /** Built on first use: a function that never calls the upstream (submit, mostly) never sets up TLS for it. */
    private HttpClient queryClient;
    private HttpClient createClient;
    private long createClientLastUsedMs;

    public DashScopeClient(String account, Settings settings, AccountLimits limits, RefreshingSecret apiKey, Clock clock) {
        this(account, settings, limits, apiKey, clock, false);
    }

    private DashScopeClient(String account, Settings settings, AccountLimits limits, RefreshingSecret apiKey, Clock clock,
            boolean standIn) {
        this.account = account;
        this.settings = settings;
        this.limits = limits;
        this.apiKey = apiKey;
        this.clock = clock;
        this.standIn = standIn;
    }

    /** A client of {@link LoopbackRehearsal}'s stand-in, the one client that may call inside a dry run. */
    static DashScopeClient ofStandIn(String account, URI standIn, Clock clock) {
        return new DashScopeClient(account, Settings.defaults(standIn), AccountLimits.DASHSCOPE,
                new RefreshingSecret(() -> "priming", Duration.ofDays(365), clock), clock, true);
    }

    /** A client with a fixed key, for tests and tools. */
    public static DashScopeClient withKey(String account, Settings settings, AccountLimits limits, String key, Clock clock) {
        return new DashScopeClient(account, settings, limits, new RefreshingSecret(() -> key, Duration.ofDays(365), clock), clock);
    }

    private HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Loads what the client's calls use (the JDK's HTTP client, TLS and its trust store) without calling anything: for
     * priming a function before a SnapStart snapshot, where a lazily built client would otherwise pay for it after the
     * restore, at its first call.
     */
    public static void loadTransport() {
        try {
            javax.net.ssl.SSLContext.getDefault().createSSLEngine().getSupportedCipherSuites();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private synchronized HttpClient queryClient() {
        if (queryClient == null) {
            queryClient = newClient();
        }
        return queryClient;
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
    public String account() {
        return account;
    }

    @Override
    public AccountLimits limits() {
        return limits;
    }

    @Override
    public CallGate createGate(String pool) {
        // DashScope limits creates per model and account.
        return new CallGate("create#" + account + "#" + pool, AccountLimits.intervalMs(limits.createsPerSecond()));
    }

    @Override
    public CallGate queryGate() {
        // ...and task queries per account, whatever the model.
        return new CallGate("query#" + account, AccountLimits.intervalMs(limits.queriesPerSecond()));
    }

    @Override
    public boolean listsTasks() {
        return true;
    }

    @Override
    public boolean pushesCompletions() {
        return true;
    }

    @Override
    public java.util.Optional<String> endedTaskOf(JsonNode event) {
        return DashScopeEvents.endedTask(event);
    }

    @Override
    public CallGate listGate() {
        // The page states "20 QPS per account" under the query and the listing alike, without saying whether the two
        // share one budget (LISTING.md). Listings pass through the query gate, which keeps within it on either reading.
        return queryGate();
    }

    @Override
    public String create(VideoSpec spec) {
        String body = Json.write(createBody(spec));
        HttpResponse<String> response = withKeyRetry(key -> {
            HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve(CREATE_PATH))
                    .timeout(settings.createTimeout())
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .header("X-DashScope-Async", "enable")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            try {
                return createClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpConnectTimeoutException | ConnectException e) {
                throw new UpstreamException(Kind.TRANSIENT, null, "could not connect to DashScope: " + e, e);
            } catch (IOException e) {
                throw new UpstreamException(Kind.UNCERTAIN, null, "create sent but not answered: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(Kind.UNCERTAIN, null, "interrupted during create", e);
            }
        });
        if (response.statusCode() != 200) {
            throw refusal(response, false);
        }
        JsonNode answer = parse(response.body());
        String taskId = answer == null ? null : answer.path("output").path("task_id").textValue();
        if (taskId == null || taskId.isBlank()) {
            throw new UpstreamException(Kind.UNCERTAIN, null,
                    "create answered 200 without a task id: " + abbreviate(response.body()), null);
        }
        return taskId;
    }

    @Override
    public UpstreamTask query(String upstreamTaskId) {
        HttpResponse<String> response = callTasksApi(TASKS_PATH + upstreamTaskId, null);
        if (response.statusCode() != 200) {
            throw refusal(response, false);
        }
        JsonNode body = parse(response.body());
        JsonNode output = body == null ? null : body.get("output");
        String status = output == null ? null : output.path("task_status").textValue();
        if (status == null) {
            throw new UpstreamException(Kind.TRANSIENT, null,
                    "query answered 200 without a task_status: " + abbreviate(response.body()), null);
        }
        UpstreamState state = state(status);
        TaskError error = null;
        if (state == UpstreamState.FAILED) {
            String code = text(output, "code");
            String message = text(output, "message");
            error = new TaskError(code != null ? code : TaskErrors.UPSTREAM_FAILED,
                    message != null ? message : "DashScope reported the task failed without a reason.");
        }
        return new UpstreamTask(upstreamTaskId, state, status, error, text(output, "video_url"), usage(body.get("usage")),
                endTime(text(output, "end_time")));
    }

    /**
     * DashScope's {@code end_time}, "2025-09-18 10:12:37.114" with no zone: China Standard Time (UTC+8), the zone of
     * both the Beijing and the Singapore region's task times. Null when absent or in another shape: it only feeds
     * the detection-delay statistic, never a task's state.
     */
    static Long endTime(String text) {
        if (text == null) {
            return null;
        }
        try {
            return java.time.LocalDateTime.parse(text.trim().replace(' ', 'T')).toInstant(java.time.ZoneOffset.ofHours(8))
                    .toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code GET /api/v1/tasks} (Model Studio, "Asynchronous task management API", batch query; LISTING.md): every
     * task of the Alibaba Cloud account, whichever of its keys created it, in every status (the status filter takes
     * one value; finished tasks are SUCCEEDED, FAILED or CANCELED, so one unfiltered call costs less than three
     * filtered ones, and shows the running tasks' start times too). Entries carry no result, usage or failure code.
     */
    @Override
    public TaskListing listTasks(Instant since, Instant until, int page) {
        String path = LIST_PATH + "?start_time=" + LIST_TIME.format(since) + "&end_time=" + LIST_TIME.format(until)
                + "&page_no=" + page + "&page_size=" + LIST_PAGE_SIZE;
        HttpResponse<String> response = callTasksApi(path, null);
        if (response.statusCode() != 200) {
            throw refusal(response, false);
        }
        JsonNode body = parse(response.body());
        if (body == null) {
            // A body that is not JSON at all is more likely a proxy's error page than a new API: try again later.
            throw new UpstreamException(Kind.TRANSIENT, null,
                    "listing answered 200 with a body that is not a JSON object: " + abbreviate(response.body()), null);
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isArray()) {
            throw unrecognised("listing answered without a data array", response.body());
        }
        List<ListedTask> tasks = new ArrayList<>();
        for (JsonNode entry : data) {
            String id = entry.isObject() ? textual(entry, "task_id") : null;
            String status = entry.isObject() ? textual(entry, "status") : null;
            if (id == null || status == null) {
                throw unrecognised("listing entry without a task_id or status", entry.toString());
            }
            UpstreamState state = state(status);
            // Neither result, usage nor failure code is listed: a succeeded or failed task still needs its query.
            boolean complete = state != UpstreamState.SUCCEEDED && state != UpstreamState.FAILED && state != UpstreamState.GONE;
            tasks.add(new ListedTask(new UpstreamTask(id, state, status, null, null, null), epochMs(entry.get("start_time")),
                    complete));
        }
        JsonNode pages = body.get("total_page");
        boolean last = pages != null && pages.canConvertToInt() && pages.isIntegralNumber() ? page >= pages.intValue()
                : data.size() < LIST_PAGE_SIZE;
        return new TaskListing(tasks, page, last);
    }

    private UpstreamException unrecognised(String what, String answer) {
        return new UpstreamException(Kind.UNRECOGNISED_ANSWER, null, "account " + account + ": " + what + ": "
                + abbreviate(answer), null);
    }

    /** The listing's times are epoch milliseconds (unlike the query's date strings). */
    private static Long epochMs(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        try {
            return Long.parseLong(node.asText().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String textual(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    /** DashScope's task_status values, in the gateway's words. */
    static UpstreamState state(String status) {
        return switch (status) {
            case "PENDING" -> UpstreamState.WAITING;
            case "RUNNING" -> UpstreamState.RUNNING;
            case "SUCCEEDED" -> UpstreamState.SUCCEEDED;
            case "FAILED" -> UpstreamState.FAILED;
            case "CANCELED" -> UpstreamState.CANCELLED;
            // DashScope answers UNKNOWN for an id it never had or no longer has (task ids live 24 hours).
            case "UNKNOWN" -> UpstreamState.GONE;
            default -> UpstreamState.UNRECOGNISED;
        };
    }

    @Override
    public void cancel(String upstreamTaskId) {
        HttpResponse<String> response = callTasksApi(TASKS_PATH + upstreamTaskId + "/cancel", "");
        if (response.statusCode() != 200) {
            throw refusal(response, true);
        }
    }

    @Override
    public void probe() {
        HttpResponse<String> response = callTasksApi(TASKS_PATH + PROBE_TASK_ID, null);
        if (response.statusCode() != 200) {
            throw refusal(response, false);
        }
    }

    /** Query (GET) and cancel (POST with a body): unlike a create, repeating one of these does no harm. */
    private HttpResponse<String> callTasksApi(String path, String body) {
        return withKeyRetry(key -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(settings.baseUrl().resolve(path))
                    .timeout(settings.queryTimeout())
                    .header("Authorization", "Bearer " + key);
            request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
            try {
                return queryClient().send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                throw new UpstreamException(Kind.TRANSIENT, null, "DashScope did not answer in time", e);
            } catch (IOException e) {
                throw new UpstreamException(Kind.TRANSIENT, null, "DashScope call failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(Kind.TRANSIENT, null, "interrupted", e);
            }
        });
    }

    /**
     * Makes the call with the current key; if DashScope refuses the key (401/403) and the key was read a while
     * ago, it may have been rotated: read it again and try once more. A refused call did not take effect, so
     * repeating it is safe even for a create.
     */
    private HttpResponse<String> withKeyRetry(java.util.function.Function<String, HttpResponse<String>> call) {
        if (DryRun.active() && !standIn) {
            // Priming runs code with every AWS call answered on the spot; DashScope has no such answer, and a create
            // bills. Loud rather than sent: the priming rehearses against a client of a stand-in instead.
            throw new IllegalStateException("a DashScope call inside a dry run (priming) was not sent");
        }
        HttpResponse<String> response = call.apply(apiKey.get());
        if ((response.statusCode() == 401 || response.statusCode() == 403) && apiKey.ageMs() > KEY_REREAD_AFTER_MS) {
            apiKey.forget();
            response = call.apply(apiKey.get());
        }
        return response;
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
            if (item.url() == null) {
                throw new IllegalArgumentException("media item " + item.type().wire() + " has no URL to send upstream");
            }
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

    private UpstreamException refusal(HttpResponse<String> response, boolean cancelling) {
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        String code = body == null ? null : text(body, "code");
        String message = body == null ? null : text(body, "message");
        String text = (code == null ? "HTTP " + status : code) + (message == null ? "" : ": " + abbreviate(message));
        Kind kind;
        if (status == 429) {
            kind = Kind.THROTTLED;
        } else if (status == 408 || status >= 500) {
            kind = Kind.TRANSIENT;
        } else if (status == 401 || status == 403 || (code != null && ACCOUNT_CODES.contains(code))) {
            kind = Kind.ACCOUNT_UNUSABLE;
            text = "account " + account + ": " + text;
        } else if (status == 404) {
            kind = Kind.NOT_FOUND;
        } else {
            // DashScope cancels only PENDING tasks and refuses the others with a 4xx.
            kind = cancelling ? Kind.NOT_CANCELLABLE : Kind.PERMANENT;
        }
        return new UpstreamException(kind, code, text, null);
    }

    /** Numbers arrive as integers, floats or strings. */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        double input = number(usage.get("input_video_duration"));
        double output = number(usage.get("output_video_duration"));
        double billed = usage.has("duration") ? number(usage.get("duration")) : input + output;
        return new Usage(input, output, billed, null);
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
