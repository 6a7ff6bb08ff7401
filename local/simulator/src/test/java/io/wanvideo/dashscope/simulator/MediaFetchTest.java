package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The simulator downloads loopback media at create, as DashScope downloads inputs, and records what arrived. */
class MediaFetchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] image = bytes(48_000, 1);
    private final byte[] voice = bytes(20_000, 2);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer files;
    private DashScopeSimulator sim;

    @BeforeEach
    void serveFiles() throws Exception {
        files = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        files.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body = switch (path) {
                case "/ref.png" -> image;
                case "/voice.mp3" -> voice;
                default -> null;
            };
            int status = body != null ? 200 : path.equals("/private.png") ? 403 : 404;
            exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        // Handlers off the dispatcher thread, so a slow one does not hold up the others or stop().
        files.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "media-files");
            t.setDaemon(true);
            return t;
        }));
        files.start();
        sim = DashScopeSimulator.start(SimulatorSettings.defaults());
    }

    @AfterEach
    void stop() {
        sim.close();
        files.stop(0);
    }

    private String fileUrl(String host, String path) {
        return "http://" + host + ":" + files.getAddress().getPort() + path;
    }

    private HttpResponse<String> create(String mediaJson) throws Exception {
        String body = "{\"model\":\"wan2.7-r2v\",\"input\":{\"prompt\":\"a\",\"media\":[" + mediaJson + "]}}";
        return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + DashScopeSimulator.CREATE_PATH))
                .header("Authorization", "Bearer sk-test").header("X-DashScope-Async", "enable")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void loopbackMediaIsDownloadedAndRecordedByteForByte() throws Exception {
        HttpResponse<String> r = create("{\"type\":\"reference_image\",\"url\":\"" + fileUrl("127.0.0.1", "/ref.png")
                + "\",\"reference_voice\":\"" + fileUrl("localhost", "/voice.mp3") + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Map<String, Object>> media = media(sim.tasks().get(0));
        assertThat(media).hasSize(2);
        assertThat(media.get(0)).containsEntry("field", "input.media[0].url").containsEntry("type", "reference_image")
                .containsEntry("source", "downloaded").containsEntry("bytes", (long) image.length)
                .containsEntry("sha256", MediaDownloader.sha256(image));
        assertThat(media.get(1)).containsEntry("field", "input.media[0].reference_voice")
                .containsEntry("bytes", (long) voice.length).containsEntry("sha256", MediaDownloader.sha256(voice));
        assertThat(hits.get("/ref.png").get()).isEqualTo(1);
        assertThat(hits.get("/voice.mp3").get()).isEqualTo(1);
        // Also in GET /_sim/tasks.
        JsonNode listed = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/tasks")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(listed.at("/0/media/0/sha256").asText()).isEqualTo(MediaDownloader.sha256(image));
    }

    @Test
    void otherHostsAreNotFetchedAndDataUrisAreDecoded() throws Exception {
        String dataUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(image);
        HttpResponse<String> r = create("{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"},"
                + "{\"type\":\"reference_image\",\"url\":\"" + dataUri + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<Map<String, Object>> media = media(sim.tasks().get(0));
        assertThat(media.get(0)).containsEntry("source", "not_fetched").containsEntry("bytes", null)
                .containsEntry("url", "https://example.com/a.png");
        assertThat(media.get(1)).containsEntry("source", "data_uri").containsEntry("bytes", (long) image.length)
                .containsEntry("sha256", MediaDownloader.sha256(image));
        assertThat((String) media.get(1).get("url")).startsWith("data:image/png;base64,").hasSizeLessThan(100);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/missing.png|Failed to find the requested media resource during the data inspection process.|HTTP 404",
        "/private.png|Don't have authorization to access the media resource during the data inspection process.|HTTP 403",
    })
    void aFileThatCannotBeDownloadedRefusesTheCreate(String path, String message, String detail) throws Exception {
        HttpResponse<String> r = create("{\"type\":\"reference_image\",\"url\":\"" + fileUrl("127.0.0.1", path) + "\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo("InvalidParameter");
        assertThat(body.get("message").asText()).startsWith(message).contains("input.media[0].url").contains(detail);
        assertThat(sim.tasks()).isEmpty();
        assertThat(sim.stats().get("rejected").asInt()).isEqualTo(1);
    }

    @Test
    void anUnreachableHostRefusesTheCreate() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpResponse<String> r = create("{\"type\":\"reference_image\",\"url\":\"http://127.0.0.1:" + closedPort + "/a.png\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo("InvalidParameter");
        assertThat(body.get("message").asText())
                .startsWith("Unable to download the media resource during the data inspection process.");
        assertThat(sim.tasks()).isEmpty();
    }

    @Test
    void aFileOverItsTypesLimitIsRefused() {
        MediaDownloader small = new MediaDownloader(Duration.ofSeconds(5), type -> 1_000);
        CreateRules.MediaInput tooBig = new CreateRules.MediaInput("input.media[0].url", "reference_image",
                fileUrl("127.0.0.1", "/ref.png"));
        assertThatThrownBy(() -> small.receive(tooBig)).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.status).isEqualTo(400);
            assertThat(r.getMessage()).startsWith("Multimodal file size is too large.").contains("more than 1000 bytes");
        });
        CreateRules.MediaInput inline = new CreateRules.MediaInput("input.media[0].url", "reference_image",
                "data:image/png;base64," + Base64.getEncoder().encodeToString(image));
        assertThatThrownBy(() -> small.receive(inline)).hasMessageStartingWith("Multimodal file size is too large.");
        assertThat(MediaDownloader.documentedCap("reference_voice")).isEqualTo(15L * 1024 * 1024);
    }

    @Test
    void aDownloadThatTakesTooLongIsRefusedAsATimeout() {
        files.createContext("/slow.png", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try {
                exchange.getResponseBody().write(new byte[10]);
                exchange.getResponseBody().flush();
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        MediaDownloader impatient = new MediaDownloader(Duration.ofMillis(300), MediaDownloader::documentedCap);
        CreateRules.MediaInput slow = new CreateRules.MediaInput("input.media[0].url", "reference_image",
                fileUrl("127.0.0.1", "/slow.png"));
        assertThatThrownBy(() -> impatient.receive(slow)).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.code).isEqualTo("InvalidParameter.DataInspection");
            assertThat(r.getMessage()).startsWith("Download the media resource timed out during the data inspection process.");
        });
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8080/a.png, true",
        "https://localhost/a.png, true",
        "http://LOCALHOST:1/a, true",
        "http://[::1]:9000/a.png, true",
        "http://127.1.2.3/a, true",
        "https://example.com/a.png, false",
        "http://127.0.0.1.example.com/a.png, false",
        "oss://bucket/a.png, false",
        "http://10.0.0.1/a.png, false",
    })
    void onlyLoopbackHostsAreFetched(String url, boolean loopback) {
        assertThat(MediaDownloader.isLoopback(url)).isEqualTo(loopback);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> media(Map<String, Object> task) {
        return (List<Map<String, Object>>) task.get("media");
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
