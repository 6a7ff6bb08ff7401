package io.wanvideo.dashscope.simulator;

import java.time.Duration;

/**
 * How the simulated DashScope behaves.
 *
 * @param pendingSeconds     how long a task stays PENDING once it can start
 * @param runSecondsMin      a task runs for a time drawn uniformly from [min, max] (sim:run=N overrides)
 * @param concurrencyPerModel tasks a model may have accepted and unfinished at once (DashScope: 5)
 * @param concurrencyMode    REJECT: a create beyond the limit is refused with 429; QUEUE: it is accepted and
 *                           stays PENDING until a running task finishes (DashScope does not document which)
 * @param createsPerSecond   accepted create calls per model in any one-second window (DashScope: 5)
 * @param queriesPerSecond   query calls in any one-second window, whole account (DashScope: 20)
 * @param retention          after this, a task answers UNKNOWN (DashScope: 24 h)
 * @param apiKey             the only key accepted, or null to accept any non-blank key
 */
public record SimulatorSettings(
        double pendingSeconds,
        double runSecondsMin,
        double runSecondsMax,
        int concurrencyPerModel,
        ConcurrencyMode concurrencyMode,
        int createsPerSecond,
        int queriesPerSecond,
        Duration retention,
        String apiKey) {

    public enum ConcurrencyMode { REJECT, QUEUE }

    public static SimulatorSettings defaults() {
        return new SimulatorSettings(1, 5, 5, 5, ConcurrencyMode.REJECT, 5, 20, Duration.ofHours(24), null);
    }

    public SimulatorSettings withTiming(double pending, double runMin, double runMax) {
        return new SimulatorSettings(pending, runMin, runMax, concurrencyPerModel, concurrencyMode, createsPerSecond,
                queriesPerSecond, retention, apiKey);
    }

    public SimulatorSettings withConcurrency(int perModel, ConcurrencyMode mode) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, perModel, mode, createsPerSecond,
                queriesPerSecond, retention, apiKey);
    }

    public SimulatorSettings withRates(int creates, int queries) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                creates, queries, retention, apiKey);
    }

    public SimulatorSettings withRetention(Duration value) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, value, apiKey);
    }

    public SimulatorSettings withApiKey(String key) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, retention, key);
    }

    /** SIM_PENDING_SECONDS, SIM_RUN_SECONDS ("N" or "MIN-MAX"), SIM_CONCURRENCY, SIM_CONCURRENCY_MODE, SIM_API_KEY. */
    public static SimulatorSettings fromEnvironment(java.util.Map<String, String> env) {
        SimulatorSettings s = defaults();
        double pending = number(env.get("SIM_PENDING_SECONDS"), s.pendingSeconds);
        double min = s.runSecondsMin;
        double max = s.runSecondsMax;
        String run = env.get("SIM_RUN_SECONDS");
        if (run != null && !run.isBlank()) {
            String[] parts = run.trim().split("-", 2);
            min = number(parts[0], min);
            max = parts.length == 2 ? number(parts[1], min) : min;
        }
        s = s.withTiming(pending, min, max);
        String concurrency = env.get("SIM_CONCURRENCY");
        String mode = env.get("SIM_CONCURRENCY_MODE");
        s = s.withConcurrency(concurrency == null || concurrency.isBlank() ? s.concurrencyPerModel : Integer.parseInt(concurrency.trim()),
                mode == null || mode.isBlank() ? s.concurrencyMode : ConcurrencyMode.valueOf(mode.trim().toUpperCase(java.util.Locale.ROOT)));
        String key = env.get("SIM_API_KEY");
        return key == null || key.isBlank() ? s : s.withApiKey(key.trim());
    }

    private static double number(String text, double fallback) {
        return text == null || text.isBlank() ? fallback : Double.parseDouble(text.trim());
    }
}
