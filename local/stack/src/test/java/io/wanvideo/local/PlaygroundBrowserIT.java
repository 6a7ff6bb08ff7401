package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.local.embedded.LoopbackPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The playground page in a real browser: Debian's Chromium ({@code /usr/bin/chromium}, package {@code chromium}),
 * driven by {@code playwright-core} at the version local/stack/src/test/browser/package-lock.json pins, installed with
 * {@code npm ci} from the npm registry into target/playground-browser; never a downloaded browser. Against ./run-local
 * on free ports with one slot per model and SIM_RUN_SECONDS=2, playground-e2e.mjs enters the key, submits an i2v task
 * with an uploaded frame and watches it complete and its video load, sees a refusal at the field it names, cancels a
 * waiting task, is refused cancelling a running one, deletes the finished one, reads the dashboard, checks the
 * keyboard and a 360 px screen, and that the key is nowhere but in the Authorization header of calls to the page's
 * own origin. The screenshot is kept as target/playground.png (the README shows a copy from docs/).
 *
 * <p>Skipped, saying why, where Chromium or Node.js is missing (.ci/run installs both).
 */
class PlaygroundBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SOURCES = Path.of(Repository.path("local/stack/src/test/browser"));
    private static final Path WORK = Path.of(Repository.path("local/stack/target/playground-browser"));
    private static final Path SCREENSHOT = Path.of(Repository.path("local/stack/target/playground.png"));
    private static final String SCRIPT = "playground-e2e.mjs";

    private static Process stack;
    private static final List<String> stackOutput = new CopyOnWriteArrayList<>();
    private static String base;

    @BeforeAll
    static void installAndStart() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not at " + CHROMIUM + ", so the playground browser test is "
                + "skipped. Install Debian's package (apt-get install chromium; .ci/run does) to run it.");
        assumeTrue(onPath("node") && onPath("npm"), "Node.js and npm are not on the PATH, so the playground browser test "
                + "is skipped. Install them (apt-get install nodejs npm; .ci/run does) to run it.");
        Process npm = install();
        int port = LoopbackPorts.free();
        stack = LocalStackEndToEndIT.launch(Map.of("PORT", Integer.toString(port), "SIM_PORT",
                Integer.toString(LoopbackPorts.free()), "SIM_RUN_SECONDS", "2", "SLOTS_PER_MODEL", "1"));
        LocalStackEndToEndIT.awaitLine(stack, stackOutput, "Press Ctrl-C to stop.", Duration.ofSeconds(90));
        base = "http://127.0.0.1:" + port;
        if (npm != null) {
            boolean done = npm.waitFor(5, TimeUnit.MINUTES);
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done && npm.exitValue() == 0).as("npm ci of the pinned playwright-core in %s failed:\n%s", WORK, output)
                    .isTrue();
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.destroyForcibly();
        }
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** Copies the package, its lock and the script to target/, and starts {@code npm ci} unless that lock is installed. */
    private static Process install() throws IOException {
        Files.createDirectories(WORK);
        byte[] lock = Files.readAllBytes(SOURCES.resolve("package-lock.json"));
        Path installedLock = WORK.resolve("package-lock.json");
        boolean installed = Files.exists(installedLock) && Arrays.equals(lock, Files.readAllBytes(installedLock))
                && Files.exists(WORK.resolve("node_modules/playwright-core/package.json"));
        for (String file : List.of("package.json", "package-lock.json", SCRIPT)) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        try (InputStream png = PlaygroundBrowserIT.class.getResourceAsStream("/forms/frame.png")) {
            Files.copy(png, WORK.resolve("frame.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (installed) {
            return null;
        }
        // --ignore-scripts: playwright-core has no install step, and nothing may fetch a browser.
        return new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                .directory(WORK.toFile()).redirectErrorStream(true).start();
    }

    @Test
    void thePageServesNoSecretAndAStrictPolicy() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/assets/app.js", "/assets/app.css")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain(LocalOptions.DEVELOPMENT_KEY);
            assertThat(r.headers().firstValue("content-security-policy")).as(path).get().asString()
                    .contains("script-src 'self'").doesNotContain("unsafe");
        }
    }

    @Test
    void aPersonCanUseThePlaygroundAndDashboardInChromium() throws Exception {
        Files.deleteIfExists(SCREENSHOT);
        ProcessBuilder builder = new ProcessBuilder("node", SCRIPT).directory(WORK.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("BASE_URL", base, "API_KEY", LocalOptions.DEVELOPMENT_KEY,
                "FRAME_PNG", WORK.resolve("frame.png").toString(), "SCREENSHOT", SCREENSHOT.toString(),
                "CHROMIUM", CHROMIUM.toString()));
        long t0 = System.nanoTime();
        Process node = builder.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                    System.out.println("[playground] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        pump.start();
        boolean done = node.waitFor(4, TimeUnit.MINUTES);
        if (!done) {
            node.destroyForcibly();
        }
        pump.join(5_000);
        System.out.printf("playground browser test: %.1f s in Chromium%n", (System.nanoTime() - t0) / 1e9);
        String log = String.join("\n", output) + "\n--- run-local said:\n" + String.join("\n", stackOutput);
        assertThat(done).as("the browser script finished within 4 minutes:\n%s", log).isTrue();
        assertThat(output).as(log).noneMatch(l -> l.startsWith("FAILED"));
        assertThat(node.exitValue()).as(log).isZero();
        assertThat(output).as(log).anyMatch(l -> l.startsWith("ok the uploaded-frame task reaches completed"))
                .anyMatch(l -> l.startsWith("ok its <video> has loaded its metadata"))
                .anyMatch(l -> l.startsWith("ok the error is shown next to the seconds field"));
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertThat(Arrays.copyOf(png, 4)).as("a PNG").isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThat(png.length).isGreaterThan(20_000);
    }
}
