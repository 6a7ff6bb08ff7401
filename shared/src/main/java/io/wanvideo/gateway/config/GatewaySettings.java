package io.wanvideo.gateway.config;

import io.wanvideo.gateway.schedule.DashScopeTimeTable;
import io.wanvideo.gateway.schedule.FixedGenerationTime;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.service.PollerSettings;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import java.net.URI;
import java.time.Duration;

/** Every tunable, read from the environment in one place, with its default. README lists them. */
public final class GatewaySettings {
    private GatewaySettings() {}

    public static String tableName(Env env) {
        return env.required("TABLE_NAME");
    }

    /** TASK_RETENTION_DAYS (30): finished tasks are removed by DynamoDB TTL after this. */
    public static Duration retention(Env env) {
        return Duration.ofDays(env.integer("TASK_RETENTION_DAYS", 30));
    }

    /**
     * EXPECTED_GENERATION_SECONDS: one expected generation time for every task (what a simulator or another
     * provider is configured to take); unset means the DashScope table. GENERATION_TIME_SIGMA (0.4): the
     * log-normal spread around it.
     */
    public static GenerationTimeModel generationTimes(Env env) {
        double sigma = env.decimal("GENERATION_TIME_SIGMA", DashScopeTimeTable.SIGMA);
        return env.optional("EXPECTED_GENERATION_SECONDS")
                .<GenerationTimeModel>map(s -> new FixedGenerationTime(new LogNormal(Double.parseDouble(s), sigma)))
                .orElseGet(DashScopeTimeTable::new);
    }

    /**
     * SLOTS_PER_MODEL (5), CREATES_PER_SECOND (5, per model), QUERIES_PER_SECOND (20, whole account),
     * TASK_TIMEOUT_MINUTES (60).
     */
    public static PollerSettings poller(Env env) {
        PollerSettings d = PollerSettings.DEFAULT;
        return new PollerSettings(
                env.integer("SLOTS_PER_MODEL", d.slotsPerPool()),
                env.decimal("CREATES_PER_SECOND", d.createsPerSecond()),
                env.decimal("QUERIES_PER_SECOND", d.queriesPerSecond()),
                Duration.ofMinutes(env.integer("TASK_TIMEOUT_MINUTES", (int) d.taskTimeout().toMinutes())),
                d.orphanGrace(), d.createTimeout(), d.maxTransientAttempts(), d.videoUrlLifetime());
    }

    /** DASHSCOPE_BASE_URL (Singapore): the region or workspace domain of the key. */
    public static DashScopeClient.Settings dashScope(Env env) {
        URI base = URI.create(env.text("DASHSCOPE_BASE_URL", DashScopeClient.SINGAPORE));
        DashScopeClient.Settings d = DashScopeClient.Settings.defaults(base);
        return new DashScopeClient.Settings(base, d.connectTimeout(), PollerSettings.DEFAULT.createTimeout(), d.queryTimeout());
    }

    /** MAX_BODY_BYTES (6 MB, what Lambda accepts): larger request bodies get 413. */
    public static int maxBodyBytes(Env env) {
        return env.integer("MAX_BODY_BYTES", 6_000_000);
    }

    /** API_KEY_CACHE_SECONDS (60): how long an instance trusts a key it has looked up. */
    public static Duration apiKeyCache(Env env) {
        return Duration.ofSeconds(env.integer("API_KEY_CACHE_SECONDS", 60));
    }
}
