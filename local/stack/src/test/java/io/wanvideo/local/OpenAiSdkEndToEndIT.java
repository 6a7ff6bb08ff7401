package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.webhook.WebhookSecret;
import io.wanvideo.local.embedded.LoopbackPorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real `openai` npm SDK, at the version local/stack/src/test/node/package-lock.json pins, against ./run-local
 * started on free ports: videos.create for both models (the Wan fields as extra body fields, an uploaded PNG as
 * input_reference), retrieve to completion, list across pages, downloadContent, delete, errors as the SDK's
 * error classes, the Idempotency-Key replay; see openai-sdk-e2e.mjs. Every HTTP response the SDK received is
 * then held to the OpenAPI document ({@link ApiDocument}).
 *
 * <p>Webhooks too: the script runs webhook-receiver.mjs (the receiver README.md shows, word for word) on a free
 * loopback port, submits one task that completes and one the simulator fails, each with {@code webhook_url}, and
 * verifies every delivery with the SDK's {@code client.webhooks.unwrap} and the LOCAL_WEBHOOK_SECRET given to
 * ./run-local here.
 *
 * <p>The SDK is installed with {@code npm ci} from the npm registry into target/openai-sdk. Without Node.js and
 * npm on the PATH the test is skipped (.ci/run installs them).
 */
class OpenAiSdkEndToEndIT {
    private static final Path NODE_SOURCES = Path.of(Repository.path("local/stack/src/test/node"));
    private static final Path WORK = Path.of(Repository.path("local/stack/target/openai-sdk"));
    private static final String SCRIPT = "openai-sdk-e2e.mjs";
    private static final String RECEIVER = "webhook-receiver.mjs";
    /** The tenant whose tasks ask for webhooks; the development key's tenant keeps the listing steps' tasks. */
    private static final String WEBHOOK_TENANT_KEY = "sk-e2e-webhooks";
    private static final WebhookSecret WEBHOOK_SECRET = WebhookSecret.generate();

    /** What the script must have exercised: method, the document's path template, status. */
    private static final Set<String> EXPECTED = Set.of(
            "GET /v1/models 200", "GET /v1/models/{id} 200", "GET /v1/models/{id} 404",
            "GET /v1/videos 401", "GET /v1/videos 200",
            "POST /v1/videos 200", "POST /v1/videos 400", "POST /v1/videos 409",
            "GET /v1/videos/{id} 200", "GET /v1/videos/{id} 404",
            "GET /v1/videos/{id}/content 302", "GET /v1/videos/{id}/content 404", "GET /v1/videos/{id}/content 400",
            "DELETE /v1/videos/{id} 200", "DELETE /v1/videos/{id} 400", "DELETE /v1/videos/{id} 404",
            "POST /v1/videos/{id}/remix 400", "POST /v1/videos/edits 400", "POST /v1/videos/extensions 400",
            "POST /v1/videos/characters 400", "GET /v1/videos/characters/{id} 400",
            "GET /v1/openapi.json 200");

    private static Process stack;
    private static final List<String> stackOutput = new CopyOnWriteArrayList<>();
    private static String baseUrl;

    private static final boolean NODE = onPath("node") && onPath("npm");
    private static final String NO_NODE = "Node.js and npm are not on the PATH, so the openai SDK end-to-end test is "
            + "skipped. Install them (Debian: apt-get install nodejs npm; .ci/run does) to run it.";

    @BeforeAll
    static void installTheSdkAndStartTheStack() throws Exception {
        if (!NODE) {
            // Skipped in the test itself, so that the report counts it as skipped with the reason.
            return;
        }
        Process npm = install();
        int port = LoopbackPorts.free();
        stack = LocalStackEndToEndIT.launch(Map.of("PORT", Integer.toString(port), "SIM_PORT",
                Integer.toString(LoopbackPorts.free()), "SIM_RUN_SECONDS", "2",
                "LOCAL_API_KEYS", LocalOptions.DEVELOPMENT_TENANT + ":" + LocalOptions.DEVELOPMENT_KEY + ",webhooks:" + WEBHOOK_TENANT_KEY,
                "LOCAL_WEBHOOK_SECRET", WEBHOOK_SECRET.value()));
        LocalStackEndToEndIT.awaitLine(stack, stackOutput, "Press Ctrl-C to stop.", Duration.ofSeconds(90));
        baseUrl = "http://127.0.0.1:" + port + "/v1";
        if (npm != null) {
            boolean done = npm.waitFor(5, TimeUnit.MINUTES);
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done && npm.exitValue() == 0).as("npm ci of the pinned openai SDK in %s failed:\n%s", WORK, output).isTrue();
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.destroyForcibly();
        }
    }

    /**
     * Copies the package, its lock and the script to target/openai-sdk and starts {@code npm ci} there, unless
     * that exact lock is already installed.
     *
     * @return the running npm, or null when nothing needed installing
     */
    private static Process install() throws IOException {
        Files.createDirectories(WORK);
        byte[] lock = Files.readAllBytes(NODE_SOURCES.resolve("package-lock.json"));
        Path installedLock = WORK.resolve("package-lock.json");
        boolean installed = Files.exists(installedLock) && java.util.Arrays.equals(lock, Files.readAllBytes(installedLock))
                && Files.exists(WORK.resolve("node_modules/openai/package.json"));
        for (String file : List.of("package.json", "package-lock.json", SCRIPT, RECEIVER)) {
            Files.copy(NODE_SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        try (InputStream png = OpenAiSdkEndToEndIT.class.getResourceAsStream("/forms/frame.png")) {
            Files.copy(png, WORK.resolve("frame.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (installed) {
            return null;
        }
        return new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                .directory(WORK.toFile()).redirectErrorStream(true).start();
    }

    @Test
    void theOpenAiSdkWorksAgainstTheGatewayAndEveryResponseItReceivedIsAsTheDocumentSays() throws Exception {
        if (!NODE) {
            System.out.println(NO_NODE);
        }
        assumeTrue(NODE, NO_NODE);
        Path record = WORK.resolve("exchanges.json");
        Files.deleteIfExists(record);
        ProcessBuilder builder = new ProcessBuilder("node", SCRIPT).directory(WORK.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("BASE_URL", baseUrl, "API_KEY", LocalOptions.DEVELOPMENT_KEY,
                "FRAME_PNG", WORK.resolve("frame.png").toString(), "OUT", record.toString(),
                "WEBHOOK_API_KEY", WEBHOOK_TENANT_KEY, "WEBHOOK_SECRET", WEBHOOK_SECRET.value()));
        Process node = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> node.inputReader(StandardCharsets.UTF_8).lines().forEach(output::add));
        pump.start();
        boolean finished = node.waitFor(3, TimeUnit.MINUTES);
        if (!finished) {
            node.destroyForcibly();
        }
        pump.join(5_000);
        String printed = String.join("\n", output);
        System.out.println(printed);
        if (!finished || node.exitValue() != 0) {
            // What the gateway said meanwhile (a delivery's failure, a stack trace) is usually the reason.
            List<String> said = List.copyOf(stackOutput);
            System.out.println("./run-local printed (last 200 lines):\n"
                    + String.join("\n", said.subList(Math.max(0, said.size() - 200), said.size())));
        }
        assertThat(finished).as("the SDK script did not finish within 3 minutes:\n%s", printed).isTrue();
        assertThat(record).as("the SDK script wrote no record (exit %d):\n%s", node.exitValue(), printed).exists();

        JsonNode run = Json.tree(Files.readString(record));
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(run.get("sdk_version").asText()).as("the SDK installed").isEqualTo(pinnedVersion());
        List<String> failedSteps = new ArrayList<>();
        run.get("steps").forEach(s -> {
            if (!s.get("ok").asBoolean()) {
                failedSteps.add(s.get("name").asText() + ": " + s.get("error").asText());
            }
        });
        softly.assertThat(failedSteps).as("steps of the SDK script that failed").isEmpty();
        softly.assertThat(node.exitValue()).as("the SDK script's exit code").isZero();

        ApiDocument document = ApiDocument.load();
        URI api = URI.create(baseUrl);
        Set<String> seen = new TreeSet<>();
        List<String> undocumented = new ArrayList<>();
        int checked = 0;
        for (JsonNode exchange : run.get("exchanges")) {
            String method = exchange.at("/request/method").asText();
            URI url = URI.create(exchange.at("/request/url").asText());
            int status = exchange.get("status").asInt();
            if (!api.getAuthority().equals(url.getAuthority())) {
                // Where the content redirect led: the video itself, fetched without the API key.
                softly.assertThat(status).as("%s %s", method, url).isEqualTo(200);
                softly.assertThat(exchange.at("/request/headers/authorization").isMissingNode())
                        .as("the API key went along to %s", url).isTrue();
                continue;
            }
            String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            document.template(path).ifPresent(t -> seen.add(method + " " + t + " " + status));
            List<String> problems = document.problems(method, path, status, headers(exchange.get("headers")),
                    exchange.get("body") == null || exchange.get("body").isNull() ? null : exchange.get("body").asText());
            checked++;
            if (!problems.isEmpty()) {
                undocumented.add("[" + exchange.get("step").asText() + "] " + method + " " + path + " -> " + status + "\n    "
                        + String.join("\n    ", problems) + "\n    body: " + exchange.path("body").asText());
            }
        }
        softly.assertThat(undocumented).as("responses the SDK received that the OpenAPI document does not describe "
                + "(of %d checked)", checked).isEmpty();
        softly.assertThat(seen).as("what the SDK script exercised").containsAll(EXPECTED);
        softly.assertThat(replayed(run)).as("a create answered with Idempotent-Replayed: true").isTrue();
        for (JsonNode exchange : run.get("exchanges")) {
            if (exchange.at("/request/url").asText().endsWith("/v1/openapi.json") && exchange.get("status").asInt() == 200) {
                softly.assertThat(Json.tree(exchange.get("body").asText())).as("the served document")
                        .isEqualTo(Json.tree(ApiDocument.text()));
            }
        }
        softly.assertAll();
    }

    /** README.md's receiver is the one the script runs, so the code a reader copies is the code tested here. */
    @Test
    void theReadmeShowsTheWebhookReceiverTheScriptRuns() throws IOException {
        String receiver = Files.readString(NODE_SOURCES.resolve(RECEIVER));
        String readme = Files.readString(Repository.root().resolve("README.md"));
        assertThat(readme).as("README.md quotes %s whole, in a js block", RECEIVER).contains("```js\n" + receiver + "```\n");
        assertThat(readme).as("README.md names the openai version tested").contains("`openai` " + pinnedVersion());
    }

    /** The headers the SDK saw (Node joins repeated ones with ", "), as the document's checker takes them. */
    private static Map<String, List<String>> headers(JsonNode node) {
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            headers.put(header.getKey(), List.of(header.getValue().asText()));
        }
        return headers;
    }

    /** A create answered Idempotent-Replayed: true whose task is the one the same key's first create made. */
    private static boolean replayed(JsonNode run) throws IOException {
        Map<String, String> firstByKey = new java.util.HashMap<>();
        for (JsonNode exchange : run.get("exchanges")) {
            String key = exchange.at("/request/headers/idempotency-key").asText(null);
            if (key == null || !exchange.at("/request/method").asText().equals("POST") || exchange.get("status").asInt() != 200) {
                continue;
            }
            String id = Json.tree(exchange.get("body").asText()).get("id").asText();
            if (exchange.at("/headers/idempotent-replayed").asText("").equals("true")) {
                return id.equals(firstByKey.get(key));
            }
            firstByKey.putIfAbsent(key, id);
        }
        return false;
    }

    private static String pinnedVersion() throws IOException {
        return Json.tree(Files.readString(NODE_SOURCES.resolve("package.json"))).at("/dependencies/openai").asText();
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
