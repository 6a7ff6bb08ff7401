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
 * against a bare JVM start measured in the same run, launches alternating. Reports medians.
 * Run from the repository root: {@code ./bench startup [runs=7]}.
 */
public final class StartupBenchmark {
    /** The baseline: a JVM that starts, loads one class and exits. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path root = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(root.resolve("run-local"))) {
            throw new IllegalStateException("run from the repository root");
        }
        List<Double> stack = new ArrayList<>();
        List<Double> jvm = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            jvm.add(bareJvm());
            stack.add(runLocal(root));
            System.out.printf("  run %d: run-local %.2f s, bare JVM %.2f s%n", i + 1, stack.get(i), jvm.get(i));
        }
        double s = median(stack);
        double j = median(jvm);
        System.out.printf("run-local start-up, median of %d: %.2f s   (target < 5 s)%n", runs, s);
        System.out.printf("bare JVM start, median:           %.2f s   -> run-local = %.1f bare JVM starts%n", j, s / j);
    }

    private static double bareJvm() throws Exception {
        String classpath = System.getProperty("java.class.path");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(javaBinary(), "-XX:TieredStopAtLevel=1", "-cp", classpath, Hello.class.getName())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        return (System.nanoTime() - t0) / 1e9;
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
