package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.StatsObject;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.store.EndCounts;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.SlotCounts;
import io.wanvideo.gateway.store.TaskStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET /v1/stats, read from counters the gateway keeps anyway, never from the tasks themselves: the tenant's backlog
 * and running tasks from its fair-share items, the pool's slots from the slot counters, its backlog from the fair
 * queue, and ends per minute from the minute counters the finisher writes ({@link TaskStore#countEnd}).
 *
 * <p>What one call reads: the tenant's fair-share item per pool; the minute counters of the last hour (60 small
 * items, eventually consistent); for an operator also per pool the capacity item, the accounts' slot counters and
 * states, the fair queue and its tenants' items, and the deployment's 60 minute counters. A minute two minutes past
 * cannot change any more, so each instance keeps the closed minutes it has read: a dashboard refreshing every few
 * seconds reads two or three minute items per scope, not sixty.
 */
public final class GatewayStats {
    public static final int SERIES_MINUTES = 60;
    /** Tenants of a pool's backlog read at most; beyond them the backlog's figures are marked partial. */
    static final int MAX_TENANTS = 1000;
    /** Scopes (tenants, and the deployment) whose closed minutes an instance keeps. */
    private static final int CACHED_SCOPES = 256;
    private static final String DEPLOYMENT = "";

    private final TaskStore store;
    private final AccountStates accounts;
    private final Clock clock;
    private final Map<String, Map<Long, List<EndCounts>>> closedMinutes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Long, List<EndCounts>>> eldest) {
            return size() > CACHED_SCOPES;
        }
    };

    public GatewayStats(TaskStore store, AccountStates accounts, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    public StatsObject report(Caller caller) {
        long now = clock.millis();
        long current = now / 60_000;
        List<Long> minutes = new ArrayList<>();
        for (long m = current - SERIES_MINUTES + 1; m <= current; m++) {
            minutes.add(m);
        }
        List<String> pools = VideoModel.slotPools();

        List<StatsObject.TenantPool> own = new ArrayList<>();
        for (String pool : pools) {
            FairShare share = store.fairShares(pool, List.of(caller.tenant())).get(0);
            own.add(new StatsObject.TenantPool(pool, modelsOf(pool), Math.max(0, share.waiting()), Math.max(0, share.running()),
                    share.waiting() > 0 && share.headMs() != null ? seconds(now - share.headMs()) : null));
        }
        Map<Long, List<EndCounts>> tenantEnds = ends(caller.tenant(), minutes, current);
        List<Long> completed = series(minutes, tenantEnds, null, EndCounts::completed);
        List<Long> failed = series(minutes, tenantEnds, null, EndCounts::failed);
        StatsObject.TenantStats tenant = new StatsObject.TenantStats(caller.tenant(), caller.operator(), own, sum(completed),
                sum(failed), completed, failed);

        List<StatsObject.PoolStats> pool = null;
        if (caller.operator()) {
            Map<Long, List<EndCounts>> allEnds = ends(DEPLOYMENT, minutes, current);
            pool = new ArrayList<>();
            for (String p : pools) {
                pool.add(poolStats(p, minutes, allEnds, now));
            }
        }
        return new StatsObject("stats", now / 1000, minutes.get(0) * 60, SERIES_MINUTES, tenant, pool);
    }

    private StatsObject.PoolStats poolStats(String pool, List<Long> minutes, Map<Long, List<EndCounts>> ends, long now) {
        Map<String, Integer> slots = accounts.accountSlots(pool);
        SlotCounts used = slots.isEmpty() ? new SlotCounts(Map.of(), Set.of()) : store.slotsInUse(pool, slots.keySet());
        List<StatsObject.AccountStats> accountStats = new ArrayList<>();
        slots.forEach((account, n) -> accountStats.add(new StatsObject.AccountStats(account, n, used.of(account),
                used.paused(account))));

        List<String> tenants = store.fairQueue(pool, MAX_TENANTS);
        List<FairShare> shares = tenants.isEmpty() ? List.of() : store.fairShares(pool, tenants);
        long waiting = 0;
        int waitingTenants = 0;
        Long oldestHead = null;
        for (FairShare share : shares) {
            if (share.waiting() <= 0) {
                continue;
            }
            waiting += share.waiting();
            waitingTenants++;
            if (share.headMs() != null && (oldestHead == null || share.headMs() < oldestHead)) {
                oldestHead = share.headMs();
            }
        }

        List<Long> completed = series(minutes, ends, pool, EndCounts::completed);
        List<Long> failed = series(minutes, ends, pool, EndCounts::failed);
        List<Double> delayPerMinute = new ArrayList<>();
        EndCounts hour = EndCounts.none(minutes.get(0), pool);
        for (long minute : minutes) {
            EndCounts m = ends.getOrDefault(minute, List.of()).stream().filter(c -> c.pool().equals(pool))
                    .reduce(EndCounts.none(minute, pool), EndCounts::plus);
            hour = hour.plus(m);
            delayPerMinute.add(m.detected() == 0 ? null : round(m.detectionDelaySumMs() / 1000.0 / m.detected()));
        }
        Integer capacity = slots.isEmpty() ? accounts.capacity(pool).orElse(null)
                : Integer.valueOf(slots.values().stream().mapToInt(Integer::intValue).sum());
        return new StatsObject.PoolStats(pool, modelsOf(pool), capacity, used.total(), accountStats, waiting, waitingTenants,
                oldestHead == null ? null : seconds(now - oldestHead), tenants.size() >= MAX_TENANTS, sum(completed),
                sum(failed), detectionDelay(hour), completed, failed, delayPerMinute);
    }

    static StatsObject.DetectionDelay detectionDelay(EndCounts hour) {
        long count = hour.detected();
        List<Double> bounds = EndCounts.DELAY_BUCKET_BOUNDS_MS.stream().map(ms -> ms / 1000.0).toList();
        Double p95 = null;
        if (count > 0) {
            long seen = 0;
            for (int i = 0; i < hour.detectionDelays().size(); i++) {
                seen += hour.detectionDelays().get(i);
                if (seen * 100 >= count * 95) {
                    p95 = i < bounds.size() ? bounds.get(i) : null;
                    break;
                }
            }
        }
        return new StatsObject.DetectionDelay(count, count == 0 ? null : round(hour.detectionDelaySumMs() / 1000.0 / count),
                p95, bounds, hour.detectionDelays());
    }

    /** Each minute's counts: closed minutes from this instance's memory where it has them, the rest from the store. */
    private Map<Long, List<EndCounts>> ends(String scope, List<Long> minutes, long current) {
        Map<Long, List<EndCounts>> known;
        synchronized (closedMinutes) {
            Map<Long, List<EndCounts>> kept = closedMinutes.computeIfAbsent(scope, s -> new LinkedHashMap<>());
            kept.keySet().removeIf(m -> m < minutes.get(0));
            known = new LinkedHashMap<>(kept);
        }
        List<Long> missing = minutes.stream().filter(m -> !known.containsKey(m)).toList();
        Map<Long, List<EndCounts>> read = new LinkedHashMap<>();
        missing.forEach(m -> read.put(m, new ArrayList<>()));
        if (!missing.isEmpty()) {
            store.endCounts(scope.equals(DEPLOYMENT) ? null : scope, missing).forEach(c -> read.get(c.minute()).add(c));
        }
        synchronized (closedMinutes) {
            Map<Long, List<EndCounts>> kept = closedMinutes.computeIfAbsent(scope, s -> new LinkedHashMap<>());
            // A minute is closed once the next one has passed too: a finisher writing late still writes its own minute.
            read.forEach((m, counts) -> {
                if (m < current - 1) {
                    kept.put(m, List.copyOf(counts));
                }
            });
        }
        Map<Long, List<EndCounts>> all = new LinkedHashMap<>(known);
        all.putAll(read);
        return all;
    }

    private static List<Long> series(List<Long> minutes, Map<Long, List<EndCounts>> ends, String pool,
            java.util.function.ToLongFunction<EndCounts> counter) {
        List<Long> values = new ArrayList<>();
        for (long minute : minutes) {
            values.add(ends.getOrDefault(minute, List.of()).stream().filter(c -> pool == null || c.pool().equals(pool))
                    .mapToLong(counter).sum());
        }
        return Collections.unmodifiableList(values);
    }

    private static List<String> modelsOf(String pool) {
        return Arrays.stream(VideoModel.values()).filter(m -> m.slotPool().equals(pool)).map(VideoModel::id).toList();
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    private static long seconds(long ms) {
        return Math.max(0, ms / 1000);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 100) / 100.0;
    }
}
