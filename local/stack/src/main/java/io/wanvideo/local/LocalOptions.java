package io.wanvideo.local;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.webhook.WebhookSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the local stack runs, from environment variables and arguments (README, "Run it locally").
 *
 * @param port             the API's port on 127.0.0.1 (PORT, default 3000 like `sam local start-api`)
 * @param simulatorPort    the simulator's port (SIM_PORT, default PORT+1); unused with a real DashScope key
 * @param dataDir          where DynamoDB Local keeps its data, and S3Proxy its objects under DIR/s3 (--data DIR or
 *                         DATA_DIR); null: in memory
 * @param apiKeys          key -> tenant (LOCAL_API_KEYS="tenant:key,..."); default one development key. Every local key
 *                         is an operator's: the one running the stack sees the pool in GET /v1/stats
 * @param dashScopeApiKey  DASHSCOPE_API_KEY: when set, the real DashScope is called instead of the simulator
 * @param pollerConcurrency pollers receiving at once, as the template's MaximumConcurrency
 * @param batchSize        messages per poller invocation, as the template's BatchSize
 * @param sweepEvery       how often a sweep message is queued, as the template's schedule
 * @param retryFailedAfter a message its poller reported as failed is visible again after this (Lambda waits
 *                         for the visibility timeout; locally that would hide a fault for six minutes)
 * @param duplicateDeliveries deliver every message twice, as SQS may (for tests)
 * @param functionEnvironment extra variables handed to the functions (SLOTS_PER_MODEL, ...)
 * @param externalAws      variables that point the stack at LocalStack or real AWS instead of the embedded ones
 */
public record LocalOptions(
        int port,
        int simulatorPort,
        Path dataDir,
        Map<String, String> apiKeys,
        String dashScopeApiKey,
        String dashScopeBaseUrl,
        SimulatorSettings simulator,
        int pollerConcurrency,
        int batchSize,
        Duration sweepEvery,
        Duration retryFailedAfter,
        boolean duplicateDeliveries,
        Map<String, String> functionEnvironment,
        Map<String, String> externalAws) {

    public static final String DEVELOPMENT_KEY = "sk-local-dev-key";
    public static final String DEVELOPMENT_TENANT = "local";
    /** Signs every tenant's webhook events on this stack (README, "Receiving webhooks"). */
    public static final String WEBHOOK_SECRET = "LOCAL_WEBHOOK_SECRET";

    /**
     * COMPLETION_EVENTS=true: the upstream pushes completion events (README, "Completion events"); with the simulator, the
     * stack points its events at the local API, with UPSTREAM_EVENTS_TOKEN or a token made for this start.
     */
    static final String COMPLETION_EVENTS = "COMPLETION_EVENTS";
    static final String EVENTS_TOKEN = "UPSTREAM_EVENTS_TOKEN";
    /**
     * Variables passed through to the functions, as template.yaml sets them; and LOCAL_WEBHOOK_SECRET, which
     * signs every tenant's webhooks here where a deployment reads each tenant's from Secrets Manager.
     */
    static final List<String> FUNCTION_SETTINGS = List.of("SLOTS_PER_MODEL", "CREATES_PER_SECOND", "QUERIES_PER_SECOND",
            "TASK_TIMEOUT_MINUTES", "QUEUE_TIMEOUT_HOURS", "DISPATCH_TIMEOUT_MINUTES", "TASK_RETENTION_DAYS", "MAX_BODY_BYTES",
            "API_KEY_CACHE_SECONDS", "EXPECTED_GENERATION_SECONDS", "GENERATION_TIME_SIGMA", "WEBHOOK_RETRY_SECONDS",
            "WEBHOOK_SECRET_PREFIX", WEBHOOK_SECRET, "RESULT_COPY", "RESULT_LINK_SECONDS", "RESULT_RETENTION_DAYS",
            "INPUT_LINK_MINUTES", "TENANT_MAX_WAITING", "TENANT_SUBMITS_PER_MINUTE", "PRICE_TABLE", "DASHSCOPE_ACCOUNTS",
            "DASHSCOPE_KEY_MAX_AGE_SECONDS", "COMPLETION_WATCHER", COMPLETION_EVENTS, EVENTS_TOKEN,
            "UPSTREAM_EVENTS_TOKEN_SECRET_ARN", "LOG_LEVEL");
    /** Variables that replace an embedded service with an external one. */
    static final List<String> AWS_SETTINGS = List.of("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB",
            "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_PROFILE", "TABLE_NAME", "QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "MEDIA_BUCKET");

    public static LocalOptions parse(Map<String, String> env, String[] args) {
        int port = integer(env, "PORT", 3000);
        Path data = blank(env.get("DATA_DIR")) ? null : Path.of(env.get("DATA_DIR"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(value(args, ++i, "--data"));
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--help", "-h" -> throw new UsageException(null);
                default -> throw new UsageException("unknown argument " + args[i]);
            }
        }
        int simPort = integer(env, "SIM_PORT", port == 0 ? 0 : port + 1);
        Map<String, String> keys = new LinkedHashMap<>();
        if (blank(env.get("LOCAL_API_KEYS"))) {
            keys.put(DEVELOPMENT_KEY, DEVELOPMENT_TENANT);
        } else {
            for (String pair : env.get("LOCAL_API_KEYS").split(",")) {
                String[] parts = pair.trim().split(":", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new UsageException("LOCAL_API_KEYS wants tenant:key pairs separated by commas, got '" + pair + "'");
                }
                keys.put(parts[1].trim(), parts[0].trim());
            }
        }
        Map<String, String> functionEnv = new LinkedHashMap<>();
        FUNCTION_SETTINGS.forEach(name -> copy(env, name, functionEnv));
        if (functionEnv.containsKey(WEBHOOK_SECRET)) {
            try {
                new WebhookSecret(functionEnv.get(WEBHOOK_SECRET));
            } catch (IllegalArgumentException e) {
                // Said at start, rather than as a failed delivery of every event later.
                throw new UsageException(WEBHOOK_SECRET + ": " + e.getMessage());
            }
        }
        Map<String, String> aws = new LinkedHashMap<>();
        AWS_SETTINGS.forEach(name -> copy(env, name, aws));
        SimulatorSettings sim = SimulatorSettings.fromEnvironment(env);
        if (data != null && blank(env.get("SIM_DATA_DIR"))) {
            // DashScope never forgets a task because the gateway restarted: neither does its stand-in.
            sim = sim.withDataDir(data.resolve("simulator"));
        }
        return new LocalOptions(port, simPort, data, keys, blank(env.get("DASHSCOPE_API_KEY")) ? null : env.get("DASHSCOPE_API_KEY"),
                env.getOrDefault("DASHSCOPE_BASE_URL", "https://dashscope-intl.aliyuncs.com"), sim,
                integer(env, "POLLER_CONCURRENCY", 5), 10, Duration.ofSeconds(integer(env, "SWEEP_SECONDS", 60)),
                Duration.ofSeconds(5), false, functionEnv, aws);
    }

    /** For tests: free ports, in memory, simulator with the given timing, no external AWS. */
    public static LocalOptions forTests(SimulatorSettings simulator, Map<String, String> functionEnvironment) {
        return new LocalOptions(0, 0, null, Map.of(DEVELOPMENT_KEY, DEVELOPMENT_TENANT), null, null, simulator, 5, 10,
                Duration.ofSeconds(60), Duration.ofSeconds(2), false, functionEnvironment, Map.of());
    }

    /** For tests: keep data under {@code dir}, as --data does (the simulator's too). */
    public LocalOptions withDataDir(Path dir) {
        return new LocalOptions(port, simulatorPort, dir, apiKeys, dashScopeApiKey, dashScopeBaseUrl,
                simulator.withDataDir(dir.resolve("simulator")),
                pollerConcurrency, batchSize, sweepEvery, retryFailedAfter, duplicateDeliveries, functionEnvironment, externalAws);
    }

    /** For tests: these AWS variables, as if set in the environment of ./run-local. */
    public LocalOptions withExternalAws(Map<String, String> aws) {
        return new LocalOptions(port, simulatorPort, dataDir, apiKeys, dashScopeApiKey, dashScopeBaseUrl, simulator,
                pollerConcurrency, batchSize, sweepEvery, retryFailedAfter, duplicateDeliveries, functionEnvironment, Map.copyOf(aws));
    }

    /** For tests and benchmarks: these keys (key -> tenant), as LOCAL_API_KEYS gives them. */
    public LocalOptions withApiKeys(Map<String, String> keys) {
        return new LocalOptions(port, simulatorPort, dataDir, new LinkedHashMap<>(keys), dashScopeApiKey, dashScopeBaseUrl, simulator,
                pollerConcurrency, batchSize, sweepEvery, retryFailedAfter, duplicateDeliveries, functionEnvironment, externalAws);
    }

    public LocalOptions withDuplicateDeliveries() {
        return new LocalOptions(port, simulatorPort, dataDir, apiKeys, dashScopeApiKey, dashScopeBaseUrl, simulator,
                pollerConcurrency, batchSize, sweepEvery, retryFailedAfter, true, functionEnvironment, externalAws);
    }

    public boolean usesSimulator() {
        return dashScopeApiKey == null;
    }

    /** Thrown for bad arguments; the message (or the usage text) goes to the user. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static final String USAGE = """
            usage: ./run-local [--data DIR] [--port PORT]
              --data DIR   keep tasks and stored objects in DIR across restarts (or DATA_DIR); default: in memory
              --port PORT  API port on 127.0.0.1 (or PORT); default 3000, simulator on PORT+1 (or SIM_PORT)
            environment: LOCAL_API_KEYS, LOCAL_WEBHOOK_SECRET, DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL, COMPLETION_EVENTS,
                         SIM_PENDING_SECONDS, SIM_RUN_SECONDS, AWS_ENDPOINT_URL (LocalStack), TABLE_NAME + QUEUE_URL + DEAD_LETTER_QUEUE_URL + MEDIA_BUCKET
                         (real AWS);
                         see README.md, "Run it locally".""";

    private static void copy(Map<String, String> from, String name, Map<String, String> to) {
        if (!blank(from.get(name))) {
            to.put(name, from.get(name));
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (blank(v)) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got '" + v + "'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
