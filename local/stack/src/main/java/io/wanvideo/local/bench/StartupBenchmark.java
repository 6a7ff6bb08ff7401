package io.wanvideo.local.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
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
        List<Double> stack = new ArrayList<>();
        List<Double> servers = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            servers.add(embeddedServersOnly());
            stack.add(runLocal(root));
            System.out.printf("  run %d: run-local %.2f s, embedded servers alone %.2f s%n", i + 1, stack.get(i), servers.get(i));
        }
        double s = median(stack);
        double e = median(servers);
        System.out.printf("run-local start-up, median of %d:   %.2f s   (target < 5 s)%n", runs, s);
        System.out.printf("embedded servers alone, median:     %.2f s   -> run-local / baseline = %.2f%n", e, s / e);
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

    private static double runLocal(Path root) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString()).directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(freePort()));
        builder.environment().put("SIM_PORT", Integer.toString(freePort()));
        builder.environment().put("RUN_LOCAL_BUILD", "never");
        long t0 = System.nanoTime();
        Process p = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("Press Ctrl-C to stop.")) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return seconds;
                }
            }
        } finally {
            p.destroyForcibly();
        }
        throw new IllegalStateException("run-local did not start");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
