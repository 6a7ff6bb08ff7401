package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.local.embedded.LoopbackPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the local stack as a user does, with ./run-local on free ports, and talks to it over HTTP only.
 * Runs after `package`, so the script finds its jar built and starts it without building. What is tested here is
 * what only the script does (keys from the environment, signals, the data directory); a task's life and the
 * answers' shapes have their homes in TaskLifecycleTest and GatewayIntegrationTest.
 */
class LocalStackEndToEndIT {
    private static final String KEY_A = "sk-e2e-tenant-a";
    private static final String KEY_B = "sk-e2e-tenant-b";
    /** Deadlines, not measurements: far above what an idle machine needs, so that a busy one does not fail them. */
    private static final Duration TASK_END = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static Process stack;
    private static final List<String> output = new CopyOnWriteArrayList<>();
    private static URI api;
    private static int simPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Process launch(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(Repository.path("run-local"));
        builder.command().addAll(List.of(args));
        builder.directory(Repository.root().toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        // A stale jar must fail loudly here, never trigger a second Maven build inside this one.
        builder.environment().put("RUN_LOCAL_BUILD", "never");
        return builder.start();
    }

    /** Reads the process's output into {@code into} and returns once a line contains {@code marker}. */
    static void awaitLine(Process process, List<String> into, String marker, Duration timeout) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread pump = new Thread(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    into.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        pump.setDaemon(true);
        pump.start();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (into.stream().noneMatch(l -> l.contains(marker))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("no '" + marker + "' from run-local; it printed:\n" + String.join("\n", into));
            }
            Thread.sleep(50);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        int port = LoopbackPorts.free();
        simPort = LoopbackPorts.free();
        stack = launch(Map.of("PORT", Integer.toString(port), "SIM_PORT", Integer.toString(simPort),
                "LOCAL_API_KEYS", "tenant-a:" + KEY_A + ",tenant-b:" + KEY_B, "SIM_RUN_SECONDS", "3"));
        awaitLine(stack, output, "Press Ctrl-C to stop.", Duration.ofSeconds(90));
        api = URI.create("http://127.0.0.1:" + port);
    }

    @AfterAll
    static void stop() {
        if (stack != null && stack.isAlive()) {
            stack.destroyForcibly();
        }
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(api.resolve("/v1/videos")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String key, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(api.resolve("/v1/videos/" + id)).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String submit(String body) throws Exception {
        HttpResponse<String> r = post(KEY_A, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Json.tree(r.body()).get("status").asText()).isEqualTo("queued");
        return Json.tree(r.body()).get("id").asText();
    }

    @Test
    void anotherTenantsTaskIsNotFound() throws Exception {
        String id = submit("{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/f.png\"}]}");
        HttpResponse<String> r = get(KEY_B, id);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Json.tree(r.body()).at("/error/type").asText()).isEqualTo("not_found_error");
    }

    @Test
    void ctrlCStopsEverything(@TempDir Path data) throws Exception {
        stopsEverything("INT", data);
    }

    @Test
    void sigtermStopsEverything(@TempDir Path data) throws Exception {
        stopsEverything("TERM", data);
    }

    /**
     * The signal ends the script, the stack's JVM and the simulator's, and frees both ports. A hang shows as the
     * generous deadline passing; how quickly a busy machine gets there is not this test's business.
     */
    private void stopsEverything(String signal, Path data) throws Exception {
        int port = LoopbackPorts.free();
        int sim = LoopbackPorts.free();
        List<String> lines = new CopyOnWriteArrayList<>();
        Process other = launch(Map.of("PORT", Integer.toString(port), "SIM_PORT", Integer.toString(sim)), "--data", data.toString());
        try {
            awaitLine(other, lines, "Press Ctrl-C to stop.", Duration.ofSeconds(90));
            assertThat(lines).anyMatch(l -> l.contains("kept in " + data));
            new ProcessBuilder("kill", "-" + signal, Long.toString(other.pid())).start().waitFor();
            Path status = Path.of("/proc/" + other.pid() + "/status");
            String signals = java.nio.file.Files.exists(status) ? java.nio.file.Files.readAllLines(status).stream()
                    .filter(l -> l.startsWith("Sig")).toList().toString() : "";
            assertThat(other.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("exited after SIG" + signal + " " + signals).isTrue();
            assertThat(other.descendants().count()).isZero();
            assertThat(listening(port)).isFalse();
            assertThat(listening(sim)).isFalse();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void withADataDirectoryAnUnfinishedTaskResumesAfterARestart(@TempDir Path data) throws Exception {
        int port = LoopbackPorts.free();
        Map<String, String> env = Map.of("PORT", Integer.toString(port), "SIM_PORT", Integer.toString(LoopbackPorts.free()),
                "SIM_RUN_SECONDS", "2");
        Process first = launch(env, "--data", data.toString());
        String id;
        try {
            awaitLine(first, new CopyOnWriteArrayList<>(), "Press Ctrl-C to stop.", Duration.ofSeconds(90));
            URI before = api;
            api = URI.create("http://127.0.0.1:" + port);
            // Submitted and stopped at once: the task is stored, its queue message dies with the first process.
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(api.resolve("/v1/videos"))
                    .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/f.png\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            id = Json.tree(r.body()).get("id").asText();
            new ProcessBuilder("kill", "-TERM", Long.toString(first.pid())).start().waitFor();
            assertThat(first.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Process second = launch(env, "--data", data.toString());
            try {
                awaitLine(second, new CopyOnWriteArrayList<>(), "Press Ctrl-C to stop.", Duration.ofSeconds(90));
                JsonNode task = awaitEnd(LocalOptions.DEVELOPMENT_KEY, id);
                assertThat(task.get("status").asText()).isEqualTo("completed");
                // The one run through ./run-local that ends in a video: the link the user gets serves it.
                HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(URI.create(task.get("video_url").asText())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(video.statusCode()).isEqualTo(200);
                assertThat(new String(video.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
            } finally {
                second.destroyForcibly();
                api = before;
            }
        } finally {
            first.destroyForcibly();
        }
    }

    /** Polls the task until it ends; the deadline is generous, only a task that never ends reaches it. */
    private JsonNode awaitEnd(String key, String id) throws Exception {
        long deadline = System.nanoTime() + TASK_END.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode task = Json.tree(http.send(HttpRequest.newBuilder(api.resolve("/v1/videos/" + id))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).body());
            String status = task.get("status").asText();
            if (status.equals("completed") || status.equals("failed")) {
                return task;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(id + " did not end within " + TASK_END);
    }

    private static boolean listening(int port) throws IOException {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
