package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator as its own process, as the chaos benchmark runs it: {@code main --port --data}, one ready line,
 * killed with SIGKILL and started again on the same data directory, stopped with SIGTERM.
 */
class SimulatorProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern READY = Pattern.compile("DashScope simulator on (http://127\\.0\\.0\\.1:(\\d+))");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private record Running(Process process, String baseUrl) {}

    private Running start(Path data) throws Exception {
        String classpath = String.join(File.pathSeparator, codeSource(DashScopeSimulator.class), codeSource(ObjectMapper.class),
                codeSource(JsonFactory.class), codeSource(JsonProperty.class));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, DashScopeSimulator.class.getName(), "--port", "0", "--data", data.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("SIM_"));
        builder.environment().put("SIM_PENDING_SECONDS", "0");
        Process process = builder.start();
        started.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the ready line").isNotNull();
        Matcher m = READY.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(Integer.parseInt(m.group(2))).isPositive();
        return new Running(process, m.group(1));
    }

    private static String codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private HttpResponse<String> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer sk-process")
                .header("X-DashScope-Async", "enable");
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tasksOutliveASigkillAndSigtermStopsIt(@TempDir Path data) throws Exception {
        Running first = start(data);
        String create = "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"%s\",\"media\":[{\"type\":\"reference_image\","
                + "\"url\":\"https://example.com/a.png\"}]}}";
        // sim:run=0 finishes the task as soon as it is created, so nothing here waits on the wall clock.
        String done = JSON.readTree(call("POST", first.baseUrl() + DashScopeSimulator.CREATE_PATH,
                create.formatted("done sim:run=0")).body()).at("/output/task_id").asText();
        String queued = JSON.readTree(call("POST", first.baseUrl() + DashScopeSimulator.CREATE_PATH,
                create.formatted("queued sim:pending=3600")).body()).at("/output/task_id").asText();
        assertThat(call("POST", first.baseUrl() + "/api/v1/tasks/" + queued + "/cancel", null).statusCode()).isEqualTo(200);
        String firstUrl = JSON.readTree(call("GET", first.baseUrl() + "/api/v1/tasks/" + done, null).body())
                .at("/output/video_url").asText();

        first.process().destroyForcibly();
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();

        Running second = start(data);
        JsonNode after = JSON.readTree(call("GET", second.baseUrl() + "/api/v1/tasks/" + done, null).body());
        assertThat(after.at("/output/task_status").asText()).isEqualTo("SUCCEEDED");
        assertThat(JSON.readTree(call("GET", second.baseUrl() + "/api/v1/tasks/" + queued, null).body())
                .at("/output/task_status").asText()).isEqualTo("CANCELED");
        JsonNode listed = JSON.readTree(call("GET", second.baseUrl() + "/api/v1/tasks", null).body());
        assertThat(Stream.of(listed.get("data").get(0), listed.get("data").get(1)).map(t -> t.get("task_id").asText()))
                .containsExactlyInAnyOrder(done, queued);
        // The URL handed out before the kill still downloads (only the port moved).
        String moved = second.baseUrl() + firstUrl.substring(first.baseUrl().length());
        assertThat(after.at("/output/video_url").asText()).isEqualTo(moved);
        HttpResponse<byte[]> video = http.send(HttpRequest.newBuilder(URI.create(moved)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(new String(video.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");

        second.process().destroy();
        assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
}
