package io.wanvideo.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * GET /v1/stats: what the dashboard shows. The caller's own tenant always; the whole pool only for an operator's key
 * ({@code pool} is null otherwise). Per-minute series cover the last {@code series_minutes} minutes, oldest first,
 * the first starting at {@code series_start} (Unix seconds), the last being the current, unfinished minute.
 */
public record StatsObject(
        @JsonProperty("object") String object,
        @JsonProperty("generated_at") long generatedAt,
        @JsonProperty("series_start") long seriesStart,
        @JsonProperty("series_minutes") int seriesMinutes,
        @JsonProperty("tenant") TenantStats tenant,
        @JsonProperty("pool") List<PoolStats> pool) {

    /**
     * The caller's tenant.
     *
     * @param models per slot pool: its tasks waiting in the backlog and holding upstream slots
     */
    public record TenantStats(
            @JsonProperty("id") String id,
            @JsonProperty("operator") boolean operator,
            @JsonProperty("models") List<TenantPool> models,
            @JsonProperty("completed_last_hour") long completedLastHour,
            @JsonProperty("failed_last_hour") long failedLastHour,
            @JsonProperty("completed_per_minute") List<Long> completedPerMinute,
            @JsonProperty("failed_per_minute") List<Long> failedPerMinute) {}

    /**
     * @param pool        the slot pool, named after its base model; {@code models} are the model ids drawing on it
     * @param waiting     tasks in the gateway's backlog, not yet given a slot
     * @param slotsInUse  tasks holding an upstream slot: being created, or pending or running upstream
     * @param oldestWaitSeconds how long the oldest waiting task has waited; null when none waits
     */
    public record TenantPool(
            @JsonProperty("pool") String pool,
            @JsonProperty("models") List<String> models,
            @JsonProperty("waiting") long waiting,
            @JsonProperty("slots_in_use") long slotsInUse,
            @JsonProperty("oldest_wait_seconds") Long oldestWaitSeconds) {}

    /**
     * One slot pool over every tenant and account (an operator's view).
     *
     * @param slots           slots over all accounts as the poller last recorded them; null before its first sweep
     * @param waitingTenants  tenants with tasks in the backlog
     * @param backlogPartial  more tenants wait than were read: waiting and the oldest wait cover the first ones in line
     */
    public record PoolStats(
            @JsonProperty("pool") String pool,
            @JsonProperty("models") List<String> models,
            @JsonProperty("slots") Integer slots,
            @JsonProperty("slots_in_use") long slotsInUse,
            @JsonProperty("accounts") List<AccountStats> accounts,
            @JsonProperty("waiting") long waiting,
            @JsonProperty("waiting_tenants") int waitingTenants,
            @JsonProperty("oldest_wait_seconds") Long oldestWaitSeconds,
            @JsonProperty("backlog_partial") boolean backlogPartial,
            @JsonProperty("completed_last_hour") long completedLastHour,
            @JsonProperty("failed_last_hour") long failedLastHour,
            @JsonProperty("detection_delay") DetectionDelay detectionDelay,
            @JsonProperty("completed_per_minute") List<Long> completedPerMinute,
            @JsonProperty("failed_per_minute") List<Long> failedPerMinute,
            @JsonProperty("detection_delay_per_minute") List<Double> detectionDelayPerMinute) {}

    /** @param paused whether dispatch to the account is paused (its key was refused) */
    public record AccountStats(
            @JsonProperty("account") String account,
            @JsonProperty("slots") int slots,
            @JsonProperty("slots_in_use") int slotsInUse,
            @JsonProperty("paused") boolean paused) {}

    /**
     * How long after the upstream ended a task the gateway saw it end, over the last hour's ends whose upstream end
     * time is known.
     *
     * @param p95AtMostSeconds the bucket bound 95% of them are within; null with none, or beyond the last bound
     * @param bucketCounts     ends per bucket of {@code bucketBoundsSeconds}, and one more for beyond the last bound
     */
    public record DetectionDelay(
            @JsonProperty("count") long count,
            @JsonProperty("mean_seconds") Double meanSeconds,
            @JsonProperty("p95_at_most_seconds") Double p95AtMostSeconds,
            @JsonProperty("bucket_bounds_seconds") List<Double> bucketBoundsSeconds,
            @JsonProperty("bucket_counts") List<Long> bucketCounts) {}
}
