package io.wanvideo.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.local.LocalOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How long ./run-local takes, once built, from the command to "Press Ctrl-C to stop." (the API answering),
 * against a baseline measured in the same run, launches alternating: a JVM on the same class path that only
 * starts DynamoDB Local, ElasticMQ and S3Proxy side by side, the part no wiring of ours can avoid. Reports medians.
 *
 * <p>Then, in each launch of ./run-local, the first task submitted as soon as it prints ready: the time from
 * sending POST /v1/videos to the simulator answering its create, against the same for a second task sent once the
 * first has been created (the warm path, measured in the same run).
 * Run from the repository root: {@code ./bench startup [runs=7]}.
 */
public final class StartupBenchmark {
    /** The baseline: the embedded servers started in parallel, then exit. */
    public static final class EmbeddedServersOnly {
        public static void main(String[] args) {
            var dynamo = java.util.concurrent.CompletableFuture.supplyAsync(io.wanvideo.local.embedded.LocalDynamoDb::start);
            var sqs = java.util.concurrent.CompletableFuture.supplyAsync(io.wanvideo.local.embedded.LocalSqs::start);
            var s3 = java.util.concurrent.CompletableFuture.supplyAsync(io.wanvideo.local.embedded.LocalS3::start);
            dynamo.join();
            sqs.join();
            s3.join();
            System.out.println("ready");
            Runtime.getRuntime().halt(0);
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(root.resolve("run-local"))) {
            throw new IllegalStateException("run from the repository root");
        }
        List<Double> servers = new ArrayList<>();
        List<Start> primed = new ArrayList<>();
        List<Start> unprimed = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            servers.add(embeddedServersOnly());
            primed.add(runLocal(root, true));
            unprimed.add(runLocal(root, false));
            System.out.printf("  run %d: embedded servers alone %.2f s; run-local %s; without priming %s%n", i + 1, servers.get(i),
                    primed.get(i), unprimed.get(i));
        }
        double s = median(primed, Start::readySeconds);
        double e = median(servers, x -> x);
        System.out.printf("run-local start-up, median of %d:   %.2f s   (target < 5 s)%n", runs, s);
        System.out.printf("embedded servers alone, median:     %.2f s   -> run-local / baseline = %.2f%n", e, s / e);
        System.out.printf("without priming the handlers:       %.2f s%n", median(unprimed, Start::readySeconds));
        double first = median(primed, Start::firstTaskMs);
        double second = median(primed, Start::secondTaskMs);
        System.out.printf("first task after ready, submit -> upstream create, median: %.0f ms, max %.0f ms   (target < 1000 ms)%n",
                first, primed.stream().mapToDouble(Start::firstTaskMs).max().orElse(0));
        System.out.printf("second task (warm), median:         %.0f ms   -> first / second = %.1f%n", second, first / second);
        System.out.printf("without priming: first task %.0f ms (max %.0f ms), second %.0f ms%n", median(unprimed, Start::firstTaskMs),
                unprimed.stream().mapToDouble(Start::firstTaskMs).max().orElse(0), median(unprimed, Start::secondTaskMs));
    }

    private static double embeddedServersOnly() throws Exception {
        String classpath = System.getProperty("java.class.path");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(javaBinary(), "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=classpath:local-log4j2.xml",
                "-cp", classpath, EmbeddedServersOnly.class.getName()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("ready")) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    p.waitFor(10, TimeUnit.SECONDS);
                    return seconds;
                }
            }
        } finally {
            p.destroyForcibly();
        }
        throw new IllegalStateException("the embedded servers did not start");
    }

    /** One launch: seconds to ready, then milliseconds from submitting to the upstream create, first and second task. */
    private record Start(double readySeconds, double firstTaskMs, double secondTaskMs) {
        @Override
        public String toString() {
            return String.format("ready %.2f s, submit -> create %.0f ms, then %.0f ms", readySeconds, firstTaskMs, secondTaskMs);
        }
    }

    private static Start runLocal(Path root, boolean prime) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString()).directory(root.toFile())
                .redirectErrorStream(true);
        int port = ListenPorts.outsideEphemeralRange();
        int simPort = ListenPorts.outsideEphemeralRange();
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("SIM_PORT", Integer.toString(simPort));
        builder.environment().put("RUN_LOCAL_BUILD", "never");
        if (!prime) {
            builder.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xshare:auto -Dwan.local.prime=false");
        }
        long t0 = System.nanoTime();
        Process p = builder.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            java.util.Deque<String> last = new java.util.ArrayDeque<>();
            for (String line; (line = out.readLine()) != null; ) {
                last.addLast(line);
                if (last.size() > 40) {
                    last.removeFirst();
                }
                if (line.contains("Press Ctrl-C to stop.")) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    // The stack's later output must not fill the pipe and stall it.
                    Thread drain = new Thread(() -> {
                        try {
                            out.lines().forEach(l -> { });
                        } catch (java.io.UncheckedIOException closed) {
                            // the stack was stopped
                        }
                    }, "run-local-output");
                    drain.setDaemon(true);
                    drain.start();
                    HttpClient http = HttpClient.newHttpClient();
                    // This JVM's own first request and JSON read are not the stack's latency.
                    Json.tree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simPort + "/_sim/calls")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    double first = submitToCreateMs(http, port, simPort, 1);
                    double second = submitToCreateMs(http, port, simPort, 2);
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return new Start(seconds, first, second);
                }
            }
            throw new IllegalStateException("run-local did not start (exit " + p.waitFor() + "); its last lines:\n  "
                    + String.join("\n  ", last));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Submits a task and waits for the simulator's log to hold its {@code nth} answered create. */
    private static double submitToCreateMs(HttpClient http, int port, int simPort, int nth) throws Exception {
        String body = "{\"model\":\"wan2.7-i2v\",\"prompt\":\"first task " + nth + "\","
                + "\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/frame.png\"}]}";
        long sent = System.currentTimeMillis();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/videos"))
                .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        long deadline = sent + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode calls = Json.tree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simPort + "/_sim/calls")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            int seen = 0;
            for (JsonNode call : calls) {
                if (call.path("call").asText().equals("create") && call.path("status").asInt() == 200 && ++seen == nth) {
                    return call.path("at_ms").asLong() - sent;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("task " + nth + " did not reach the simulator within a minute");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static <T> double median(List<T> runs, java.util.function.ToDoubleFunction<T> figure) {
        List<Double> sorted = new ArrayList<>(runs.stream().map(figure::applyAsDouble).toList());
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
