package io.wanvideo.local;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./run-local}: reads the options, starts the {@link LocalGateway}, prints where everything is, and stops the
 * stack on Ctrl-C within seconds.
 */
public final class RunLocal {
    private RunLocal() {}

    public static void main(String[] args) {
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        LocalOptions options;
        try {
            options = LocalOptions.parse(System.getenv(), args);
        } catch (LocalOptions.UsageException e) {
            System.err.println((e.getMessage() == null ? "" : "run-local: " + e.getMessage() + "\n") + LocalOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        LocalGateway gateway;
        try {
            gateway = LocalGateway.start(options);
        } catch (RuntimeException e) {
            System.err.println("run-local: could not start: " + e.getMessage());
            Throwable cause = e.getCause();
            if (cause != null && cause.getMessage() != null && cause.getMessage().toLowerCase(Locale.ROOT).contains("address already in use")) {
                System.err.println("  a port is taken; choose others with PORT=... SIM_PORT=...");
            }
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            // Ctrl-C must end the process within seconds even if an embedded server hangs on the way down.
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(4_000);
                    System.err.println("run-local: shutdown took too long; halting");
                    Runtime.getRuntime().halt(1);
                } catch (InterruptedException done) {
                    // stopped in time
                }
            }, "shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            gateway.close();
            watchdog.interrupt();
        }, "shutdown"));
        System.out.println(banner(options, gateway, System.currentTimeMillis() - jvmStart));
    }

    static String banner(LocalOptions options, LocalGateway gateway, long sinceJvmStartMs) {
        String key = options.apiKeys().entrySet().iterator().next().getKey();
        String tenant = options.apiKeys().get(key);
        Map<String, String> env = gateway.functionEnvironment();
        StringBuilder out = new StringBuilder();
        out.append(String.format("Wan 2.7 video gateway (local) ready in %.1f s%n", sinceJvmStartMs / 1000.0));
        out.append(String.format("  API        %s   (POST /v1/videos, GET /v1/videos/{id})%n", gateway.url()));
        out.append(String.format("  Playground %s/   (open it in a browser and enter the API key)%n", gateway.url()));
        out.append(String.format("  API key    %s   (tenant \"%s\"%s)%n", key, tenant,
                options.apiKeys().size() > 1 ? ", and " + (options.apiKeys().size() - 1) + " more from LOCAL_API_KEYS" : ""));
        if (gateway.simulator() != null) {
            SimulatorSettings s = options.simulator();
            String run = s.runSecondsMin() == s.runSecondsMax() ? fmt(s.runSecondsMin()) : fmt(s.runSecondsMin()) + "-" + fmt(s.runSecondsMax());
            out.append(String.format("  DashScope  simulator at %s (PENDING %s s, RUNNING %s s); set DASHSCOPE_API_KEY for the real one%n",
                    gateway.simulator().baseUrl(), fmt(s.pendingSeconds()), run));
            if (gateway.completionEventsPushed()) {
                out.append(String.format("  Events     the simulator pushes each task's completion event to %s/upstream-events/{account}%n",
                        gateway.url()));
            }
        } else {
            out.append(String.format("  DashScope  %s (real; tasks are billed)%n", options.dashScopeBaseUrl()));
        }
        out.append(String.format("  Data       %s%n", gateway.infrastructure().dataDescription()));
        out.append(String.format("  Objects    %s%n", gateway.infrastructure().objectsDescription()));
        String webhookSecret = env.get(LocalOptions.WEBHOOK_SECRET);
        out.append(String.format("  Webhooks   %s%n", webhookSecret == null
                ? "signed with each tenant's secret in Secrets Manager (" + env.getOrDefault("WEBHOOK_SECRET_PREFIX",
                        "wan-gateway/webhooks/") + "<tenant>)"
                : gateway.webhookSecretGenerated() ? "signed with " + webhookSecret + "   (new each start; set LOCAL_WEBHOOK_SECRET to keep one)"
                : "signed with LOCAL_WEBHOOK_SECRET"));
        out.append("Press Ctrl-C to stop.");
        return out.toString();
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
