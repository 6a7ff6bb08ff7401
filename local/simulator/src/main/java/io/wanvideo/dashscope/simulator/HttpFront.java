package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The simulator's HTTP side: DashScope's routes, the Bearer key and async header, injected faults, and the JSON
 * shapes of every answer; plus the inspection endpoints under /_sim/ and the result videos. What a call means is
 * decided by {@link SimulatedDashScope}; this class only speaks the wire.
 */
final class HttpFront implements HttpHandler {
    static final String CREATE_PATH = "/api/v1/services/aigc/video-generation/video-synthesis";
    static final String TASKS_PATH = "/api/v1/tasks";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** DashScope's task times: no zone, Beijing/Singapore time. The completion events carry them too. */
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.ofHours(8));
    private static final DateTimeFormatter OSS_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final SimulatedDashScope dashScope;
    private final CallLog log;
    private final MediaDownloader downloader;
    private final Set<String> apiKeys;
    private final byte[] video;
    private final Supplier<String> baseUrl;
    private final Supplier<JsonNode> stats;
    private final Runnable reset;
    private final List<Fault> faults = new ArrayList<>();

    HttpFront(SimulatedDashScope dashScope, CallLog log, MediaDownloader downloader, Set<String> apiKeys, byte[] video,
            Supplier<String> baseUrl, Supplier<JsonNode> stats, Runnable reset) {
        this.dashScope = dashScope;
        this.log = log;
        this.downloader = downloader;
        this.apiKeys = apiKeys;
        this.video = video;
        this.baseUrl = baseUrl;
        this.stats = stats;
        this.reset = reset;
    }

    synchronized void inject(Fault fault) {
        faults.add(fault);
    }

    synchronized void clearFaults() {
        faults.clear();
    }

    private record Answer(int status, JsonNode body, String taskId) {}

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.startsWith("/_sim/")) {
                admin(exchange, method, path);
                return;
            }
            String kind = route(method, path);
            if (kind == null) {
                answer(exchange, 404, error("NotFound", "No such API: " + method + " " + path));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            log.arrived(kind);
            String key = presentedKey(exchange);
            Fault fault = takeFault(kind);
            if (fault != null && fault.kind().equals("slow")) {
                sleep(fault.delayMs());
            }
            if (fault != null && !fault.kind().equals("slow") && !fault.kind().equals("drop_after")) {
                injectedAnswer(exchange, fault, kind, method, path, key);
                return;
            }
            Answer answer = switch (kind) {
                case "create" -> create(exchange, body);
                case "cancel" -> cancel(exchange, path.substring(TASKS_PATH.length() + 1, path.length() - "/cancel".length()));
                case "list" -> list(exchange);
                default -> query(exchange, path.substring(TASKS_PATH.length() + 1));
            };
            log.record(new CallLog.Call(kind, method, path, answer.status(), dashScope.now(), answer.taskId(), key, false));
            if (fault != null && fault.kind().equals("drop_after")) {
                // The call took effect; its answer is lost.
                exchange.close();
                return;
            }
            answer(exchange, answer.status(), answer.body());
        } catch (RuntimeException e) {
            answer(exchange, 500, error("InternalError", "Simulator failure: " + e));
        }
    }

    /** create, query, cancel, list, or null for a path DashScope does not have. */
    private static String route(String method, String path) {
        if (method.equals("POST") && path.equals(CREATE_PATH)) {
            return "create";
        }
        if (method.equals("GET") && (path.equals(TASKS_PATH) || path.equals(TASKS_PATH + "/"))) {
            return "list";
        }
        if (!path.startsWith(TASKS_PATH + "/")) {
            return null;
        }
        String[] rest = path.substring(TASKS_PATH.length() + 1).split("/", -1);
        if (method.equals("POST") && rest.length == 2 && !rest[0].isEmpty() && rest[1].equals("cancel")) {
            return "cancel";
        }
        if (method.equals("GET") && rest.length == 1 && !rest[0].isEmpty()) {
            return "query";
        }
        return null;
    }

    private void injectedAnswer(HttpExchange exchange, Fault fault, String kind, String method, String path, String key)
            throws IOException {
        long now = dashScope.now();
        switch (fault.kind()) {
            case "drop" -> {
                log.record(new CallLog.Call(kind, method, path, 0, now, null, key, true));
                exchange.close();
            }
            case "malformed" -> {
                log.record(new CallLog.Call(kind, method, path, 200, now, null, key, true));
                byte[] junk = "{\"output\": <html>upstream proxy error".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, junk.length);
                exchange.getResponseBody().write(junk);
                exchange.close();
            }
            case "unknown_shape" -> {
                log.record(new CallLog.Call(kind, method, path, 200, now, null, key, true));
                // Valid JSON with none of the fields any DashScope answer has.
                ObjectNode body = JSON.createObjectNode();
                body.put("success", true);
                body.putObject("result").putObject("job").put("id", UUID.randomUUID().toString()).put("state", "QUEUED");
                body.put("trace_id", UUID.randomUUID().toString());
                answer(exchange, 200, body);
            }
            default -> {
                log.record(new CallLog.Call(kind, method, path, fault.status(), now, null, key, true));
                answer(exchange, fault.status(), error(fault.code(), "Simulated fault."));
            }
        }
    }

    // ---------------------------------------------------------------- the four calls

    private Answer create(HttpExchange exchange, byte[] body) {
        try {
            ApiKey key = authorize(exchange);
            String async = exchange.getRequestHeaders().getFirst("X-DashScope-Async");
            if (!"enable".equalsIgnoreCase(async == null ? "" : async.trim())) {
                throw new Refusal(403, "AccessDenied", "current user api does not support synchronous calls");
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                throw Refusal.invalid("The request body is not valid JSON.");
            }
            CreateRules.Accepted request = CreateRules.check(json);
            for (String reject : CreateRules.directives(request.prompt(), "reject")) {
                String[] parts = reject.split(":", 2);
                throw new Refusal(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "InvalidParameter",
                        "Simulated refusal.");
            }
            List<MediaReceipt> media = downloader.receive(request.media());
            String requestId = UUID.randomUUID().toString();
            SimTask task = dashScope.create(key, request, media, MediaDownloader.sha256(body), requestId);
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode output = answer.putObject("output");
            output.put("task_id", task.id());
            output.put("task_status", "PENDING");
            answer.put("request_id", requestId);
            return new Answer(200, answer, task.id());
        } catch (Refusal r) {
            return new Answer(r.status, error(r.code, r.getMessage()), null);
        }
    }

    private Answer query(HttpExchange exchange, String id) {
        try {
            SimulatedDashScope.TaskAt at = dashScope.query(authorize(exchange), id);
            return new Answer(200, taskView(id, at), id);
        } catch (Refusal r) {
            return new Answer(r.status, error(r.code, r.getMessage()), id);
        }
    }

    private Answer cancel(HttpExchange exchange, String id) {
        try {
            dashScope.cancel(authorize(exchange), id);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("request_id", UUID.randomUUID().toString());
            return new Answer(200, answer, id);
        } catch (Refusal r) {
            return new Answer(r.status, error(r.code, r.getMessage()), id);
        }
    }

    private Answer list(HttpExchange exchange) {
        try {
            ApiKey key = authorize(exchange);
            SimulatedDashScope.TaskPage page = dashScope.list(key, queryParameters(exchange.getRequestURI().getRawQuery()));
            // Field order as in the documented example.
            ObjectNode answer = JSON.createObjectNode();
            answer.put("total", page.total());
            ArrayNode data = answer.putArray("data");
            for (SimulatedDashScope.TaskAt at : page.items()) {
                data.add(listItem(at));
            }
            answer.put("total_page", page.totalPages());
            answer.put("page_no", page.pageNo());
            answer.put("request_id", UUID.randomUUID().toString());
            answer.put("page_size", page.pageSize());
            return new Answer(200, answer, null);
        } catch (Refusal r) {
            return new Answer(r.status, error(r.code, r.getMessage()), null);
        }
    }

    private ObjectNode taskView(String id, SimulatedDashScope.TaskAt at) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("request_id", UUID.randomUUID().toString());
        ObjectNode output = answer.putObject("output");
        output.put("task_id", id);
        String status = at.status();
        output.put("task_status", status);
        SimTask task = at.task();
        if (task == null || status.equals("UNKNOWN")) {
            return answer;
        }
        output.put("submit_time", TIME.format(Instant.ofEpochMilli(task.createdMs())));
        if (!status.equals("PENDING") && !status.equals("CANCELED")) {
            output.put("scheduled_time", TIME.format(Instant.ofEpochMilli(task.startMs())));
        }
        if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
            output.put("end_time", TIME.format(Instant.ofEpochMilli(task.endMs())));
        }
        if (status.equals("SUCCEEDED")) {
            output.put("orig_prompt", task.prompt());
            output.put("video_url", baseUrl.get() + dashScope.videoPath(task));
            ObjectNode usage = answer.putObject("usage");
            int input = Math.min(5, task.referenceVideos() * 5);
            // Numbers in every form DashScope has been seen to send them.
            usage.put("duration", (double) (input + task.duration()));
            usage.put("input_video_duration", input);
            usage.put("output_video_duration", Integer.toString(task.duration()));
            usage.put("video_count", 1);
            usage.put("SR", task.resolution().equals("720P") ? "720" : "1080");
            if (task.model().equals("wan2.7-r2v")) {
                usage.put("ratio", task.ratio());
            }
        }
        if (status.equals("FAILED")) {
            output.put("code", task.failCode());
            output.put("message", "Simulated failure: " + task.failCode() + ".");
        }
        return answer;
    }

    /** One entry of the listing, fields in the documented example's (alphabetical) order. */
    private static ObjectNode listItem(SimulatedDashScope.TaskAt at) {
        SimTask t = at.task();
        String status = at.status();
        String account = ApiKey.accountId(t.keyLabel());
        ObjectNode item = JSON.createObjectNode();
        item.put("api_key_id", t.keyLabel());
        item.put("caller_parent_id", account);
        item.put("caller_uid", account);
        if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
            item.put("end_time", t.endMs());
        } else if (status.equals("CANCELED")) {
            item.put("end_time", t.canceledMs());
        }
        item.put("gmt_create", t.createdMs());
        item.put("model_name", t.model());
        item.put("region", SimulatedDashScope.REGION);
        item.put("request_id", t.requestId());
        if (!status.equals("PENDING") && !status.equals("CANCELED")) {
            item.put("start_time", t.startMs());
        }
        item.put("status", status);
        item.put("task_id", t.id());
        item.put("user_api_unique_key", "apikey:v1:aigc:video-generation:video-synthesis:" + t.model());
        return item;
    }

    private ApiKey authorize(HttpExchange exchange) {
        String key = bearer(exchange);
        if (key.isEmpty() || (!apiKeys.isEmpty() && !apiKeys.contains(key))) {
            throw new Refusal(401, "InvalidApiKey", "Invalid API-key provided.");
        }
        return ApiKey.of(key);
    }

    /** The label of whatever key the caller presented, for the call log; never the key. */
    private static String presentedKey(HttpExchange exchange) {
        String key = bearer(exchange);
        return key.isEmpty() ? null : ApiKey.of(key).label();
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
    }

    private synchronized Fault takeFault(String call) {
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            if (f.matches(call)) {
                Fault spent = f.spent();
                if (spent.count() > 0) {
                    faults.set(i, spent);
                } else {
                    faults.remove(i);
                }
                return f;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- inspection and videos

    private void admin(HttpExchange exchange, String method, String path) throws IOException {
        if (method.equals("GET") && path.equals("/_sim/stats")) {
            answer(exchange, 200, stats.get());
        } else if (method.equals("GET") && path.equals("/_sim/calls")) {
            answer(exchange, 200, JSON.valueToTree(log.calls()));
        } else if (method.equals("GET") && path.equals("/_sim/tasks")) {
            answer(exchange, 200, JSON.valueToTree(dashScope.tasks()));
        } else if (method.equals("POST") && path.equals("/_sim/reset")) {
            reset.run();
            answer(exchange, 200, JSON.createObjectNode().put("reset", true));
        } else if (method.equals("POST") && path.equals("/_sim/faults")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            for (JsonNode f : body.isArray() ? body : JSON.createArrayNode().add(body)) {
                inject(JSON.treeToValue(f, Fault.class));
            }
            answer(exchange, 200, JSON.createObjectNode().put("injected", body.isArray() ? body.size() : 1));
        } else if (method.equals("GET") && path.startsWith("/_sim/videos/") && path.endsWith(".mp4")) {
            video(exchange, path.substring("/_sim/videos/".length(), path.length() - ".mp4".length()));
        } else {
            answer(exchange, 404, error("NotFound", "No such simulator endpoint."));
        }
    }

    /** A result URL, answered as OSS answers a signed URL: the MP4, or an XML error once it has expired. */
    private void video(HttpExchange exchange, String id) throws IOException {
        // Downloads fail too (a storage node's 500, a reset): target "video" makes them, for the gateway's copy.
        Fault fault = takeFault("video");
        if (fault != null && fault.kind().equals("slow")) {
            sleep(fault.delayMs());
        } else if (fault != null && fault.kind().startsWith("drop")) {
            exchange.close();
            return;
        } else if (fault != null && fault.kind().equals("error")) {
            byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + fault.code()
                    + "</Code><Message>Simulated fault.</Message></Error>\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.sendResponseHeaders(fault.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        Map<String, String> query = queryParameters(exchange.getRequestURI().getRawQuery());
        ResultUrl.Access access = dashScope.videoAccess(id, query.get("Expires"), query.get("Signature"));
        if (access == ResultUrl.Access.GRANTED) {
            exchange.getResponseHeaders().set("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, video.length);
            exchange.getResponseBody().write(video);
            exchange.close();
            return;
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n");
        element(xml, "Code", access.code);
        element(xml, "Message", access.message);
        element(xml, "RequestId", Long.toHexString(ThreadLocalRandom.current().nextLong()).toUpperCase());
        element(xml, "HostId", exchange.getLocalAddress().getHostString());
        if (access == ResultUrl.Access.EXPIRED) {
            element(xml, "Expires", OSS_TIME.format(Instant.ofEpochSecond(Long.parseLong(query.get("Expires")))));
            element(xml, "ServerTime", OSS_TIME.format(Instant.ofEpochMilli(dashScope.now())));
        }
        if (access == ResultUrl.Access.NO_SUCH_KEY) {
            element(xml, "Key", id + ".mp4");
        }
        if (access.ec != null) {
            element(xml, "EC", access.ec);
        }
        byte[] bytes = xml.append("</Error>\n").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(access.status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void element(StringBuilder xml, String name, String value) {
        String escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        xml.append("  <").append(name).append('>').append(escaped).append("</").append(name).append(">\n");
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static ObjectNode error(String code, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("code", code);
        node.put("message", message);
        node.put("request_id", UUID.randomUUID().toString());
        return node;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
