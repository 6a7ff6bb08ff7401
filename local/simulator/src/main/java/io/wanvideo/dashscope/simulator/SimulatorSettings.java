package io.wanvideo.dashscope.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the simulated DashScope behaves. Every limit applies per API key: one key stands for one Alibaba
 * account here, so one simulator can stand in for several accounts.
 *
 * @param pendingSeconds      how long a task stays PENDING once it can start
 * @param runSecondsMin       a task runs for a time drawn uniformly from [min, max] (sim:run=N overrides)
 * @param concurrencyPerModel tasks a key may have accepted and unfinished at once, per model (DashScope: 5)
 * @param concurrencyMode     REJECT: a create beyond the limit is refused with 429; QUEUE: it is accepted and
 *                            stays PENDING until a running task finishes (DashScope does not document which)
 * @param createsPerSecond    accepted create calls per key and model in any one-second window (DashScope: 5)
 * @param queriesPerSecond    task queries per key in any one-second window (DashScope: 20 per account)
 * @param listsPerSecond      batch listings per key in any one-second window (DashScope: 20 per account,
 *                            stated apart from the query's 20; see LISTING.md)
 * @param retention           after this, a task answers UNKNOWN and is no longer listed (DashScope: 24 h)
 * @param urlTtl              how long a result URL stays valid after the task succeeded (DashScope: 24 h)
 * @param apiKeys             the keys accepted; empty accepts any non-blank key
 * @param dataDir             where tasks are kept across restarts; null keeps them in memory only
 */
public record SimulatorSettings(
        double pendingSeconds,
        double runSecondsMin,
        double runSecondsMax,
        int concurrencyPerModel,
        ConcurrencyMode concurrencyMode,
        int createsPerSecond,
        int queriesPerSecond,
        int listsPerSecond,
        Duration retention,
        Duration urlTtl,
        Set<String> apiKeys,
        Path dataDir) {

    public enum ConcurrencyMode { REJECT, QUEUE }

    public SimulatorSettings {
        apiKeys = Set.copyOf(apiKeys);
    }

    public static SimulatorSettings defaults() {
        return new SimulatorSettings(1, 5, 5, 5, ConcurrencyMode.REJECT, 5, 20, 20, Duration.ofHours(24),
                Duration.ofHours(24), Set.of(), null);
    }

    public SimulatorSettings withTiming(double pending, double runMin, double runMax) {
        return new SimulatorSettings(pending, runMin, runMax, concurrencyPerModel, concurrencyMode, createsPerSecond,
                queriesPerSecond, listsPerSecond, retention, urlTtl, apiKeys, dataDir);
    }

    public SimulatorSettings withConcurrency(int perModel, ConcurrencyMode mode) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, perModel, mode, createsPerSecond,
                queriesPerSecond, listsPerSecond, retention, urlTtl, apiKeys, dataDir);
    }

    public SimulatorSettings withRates(int creates, int queries) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                creates, queries, listsPerSecond, retention, urlTtl, apiKeys, dataDir);
    }

    public SimulatorSettings withListRate(int lists) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, lists, retention, urlTtl, apiKeys, dataDir);
    }

    public SimulatorSettings withRetention(Duration value) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, listsPerSecond, value, urlTtl, apiKeys, dataDir);
    }

    public SimulatorSettings withUrlTtl(Duration value) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, listsPerSecond, retention, value, apiKeys, dataDir);
    }

    /** Accepts this key only. */
    public SimulatorSettings withApiKey(String key) {
        return withApiKeys(Set.of(key));
    }

    /** Accepts these keys only, each its own account. */
    public SimulatorSettings withApiKeys(Collection<String> keys) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, listsPerSecond, retention, urlTtl, Set.copyOf(keys), dataDir);
    }

    public SimulatorSettings withDataDir(Path dir) {
        return new SimulatorSettings(pendingSeconds, runSecondsMin, runSecondsMax, concurrencyPerModel, concurrencyMode,
                createsPerSecond, queriesPerSecond, listsPerSecond, retention, urlTtl, apiKeys, dir);
    }

    /**
     * SIM_PENDING_SECONDS, SIM_RUN_SECONDS ("N" or "MIN-MAX"), SIM_CONCURRENCY, SIM_CONCURRENCY_MODE, SIM_API_KEY (one
     * key), SIM_API_KEYS (comma list; with SIM_API_KEY, both are accepted), SIM_URL_TTL_SECONDS, SIM_DATA_DIR.
     */
    public static SimulatorSettings fromEnvironment(Map<String, String> env) {
        SimulatorSettings s = defaults();
        double pending = number(env.get("SIM_PENDING_SECONDS"), s.pendingSeconds);
        double min = s.runSecondsMin;
        double max = s.runSecondsMax;
        String run = env.get("SIM_RUN_SECONDS");
        if (!blank(run)) {
            String[] parts = run.trim().split("-", 2);
            min = number(parts[0], min);
            max = parts.length == 2 ? number(parts[1], min) : min;
        }
        s = s.withTiming(pending, min, max);
        String concurrency = env.get("SIM_CONCURRENCY");
        String mode = env.get("SIM_CONCURRENCY_MODE");
        s = s.withConcurrency(blank(concurrency) ? s.concurrencyPerModel : Integer.parseInt(concurrency.trim()),
                blank(mode) ? s.concurrencyMode : ConcurrencyMode.valueOf(mode.trim().toUpperCase(Locale.ROOT)));
        Set<String> keys = new LinkedHashSet<>();
        if (!blank(env.get("SIM_API_KEY"))) {
            keys.add(env.get("SIM_API_KEY").trim());
        }
        if (!blank(env.get("SIM_API_KEYS"))) {
            Arrays.stream(env.get("SIM_API_KEYS").split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        }
        s = s.withApiKeys(keys);
        String ttl = env.get("SIM_URL_TTL_SECONDS");
        if (!blank(ttl)) {
            s = s.withUrlTtl(Duration.ofSeconds(Long.parseLong(ttl.trim())));
        }
        String data = env.get("SIM_DATA_DIR");
        return blank(data) ? s : s.withDataDir(Path.of(data.trim()));
    }

    private static double number(String text, double fallback) {
        return blank(text) ? fallback : Double.parseDouble(text.trim());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
