package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.api.StatsObject;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.testing.GatewayHarness;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /v1/stats through the services on DynamoDB Local, ElasticMQ and the simulator: what a tenant and an operator see. */
class GatewayStatsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private GatewayHarness gateway;

    @AfterEach
    void countersMatchTheTasks() {
        GatewayHarness.closeCheckingCounters(gateway);
    }

    private static Caller tenant(String id) {
        return GatewayHarness.caller(id);
    }

    private static Caller operator(String id) {
        return new Caller(id, new TenantPolicy(1000, 1000, 1.0, null), true);
    }

    private static String r2v(String prompt) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";
    }

    private static final String I2V = "{\"model\":\"wan2.7-i2v\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/f.png\"}]}";

    private StatsObject.PoolStats pool(StatsObject stats, String name) {
        return stats.pool().stream().filter(p -> p.pool().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void endsShowForTheirTenantAndTheWholePoolOnlyToAnOperator() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 1, 1).withApiKeys(List.of("sk-a", "sk-b")))
                .settings(GatewayHarness.quickSettings())
                .accounts(List.of(new GatewayHarness.Account("a", "sk-a", 2), new GatewayHarness.Account("b", "sk-b", 1)))
                .start();
        List<String> ids = new ArrayList<>(List.of(gateway.submit("t1", r2v("one")), gateway.submit("t1", r2v("two")),
                gateway.submit("t1", r2v("sim:fail=DataInspectionFailed")), gateway.submit("t2", I2V)));
        gateway.pumpUntil(() -> ids.stream().allMatch(id -> gateway.task(id).state().terminal()), WAIT);
        gateway.poller.sweeper().sweep();
        GatewayStats stats = new GatewayStats(gateway.store, gateway.accounts, Clock.systemUTC());

        StatsObject own = stats.report(tenant("t1"));
        assertThat(own.object()).isEqualTo("stats");
        assertThat(own.pool()).as("a tenant's key sees no pool").isNull();
        assertThat(own.tenant().id()).isEqualTo("t1");
        assertThat(own.tenant().operator()).isFalse();
        assertThat(own.tenant().completedLastHour()).isEqualTo(2);
        assertThat(own.tenant().failedLastHour()).isEqualTo(1);
        assertThat(own.tenant().completedPerMinute()).hasSize(60).last().isNotNull();
        assertThat(own.tenant().completedPerMinute().stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
        assertThat(own.seriesStart()).isEqualTo((own.generatedAt() / 60 - 59) * 60);
        assertThat(own.tenant().models()).extracting(StatsObject.TenantPool::pool).containsExactly("wan2.7-r2v", "wan2.7-i2v");
        assertThat(own.tenant().models()).allMatch(m -> m.waiting() == 0 && m.slotsInUse() == 0 && m.oldestWaitSeconds() == null);
        assertThat(own.tenant().models().get(1).models()).containsExactly("wan2.7-i2v", "wan2.7-i2v-2026-04-25");

        StatsObject other = stats.report(tenant("t2"));
        assertThat(other.tenant().completedLastHour()).isEqualTo(1);
        assertThat(other.tenant().failedLastHour()).isZero();

        StatsObject all = stats.report(operator("t1"));
        assertThat(all.tenant().operator()).isTrue();
        assertThat(all.tenant().completedLastHour()).as("still its own tasks").isEqualTo(2);
        StatsObject.PoolStats r2v = pool(all, "wan2.7-r2v");
        assertThat(r2v.completedLastHour()).isEqualTo(2);
        assertThat(r2v.failedLastHour()).isEqualTo(1);
        assertThat(r2v.slots()).isEqualTo(3);
        assertThat(r2v.slotsInUse()).isZero();
        assertThat(r2v.accounts()).containsExactly(new StatsObject.AccountStats("a", 2, 0, false),
                new StatsObject.AccountStats("b", 1, 0, false));
        assertThat(r2v.waiting()).isZero();
        assertThat(r2v.oldestWaitSeconds()).isNull();
        // Every end here was seen by a poll of a task whose end time the simulator reports.
        assertThat(r2v.detectionDelay().count()).isEqualTo(3);
        assertThat(r2v.detectionDelay().meanSeconds()).isBetween(0.0, 30.0);
        assertThat(r2v.detectionDelay().p95AtMostSeconds()).isNotNull();
        assertThat(r2v.detectionDelayPerMinute()).hasSize(60).anyMatch(d -> d != null);
        StatsObject.PoolStats i2v = pool(all, "wan2.7-i2v");
        assertThat(i2v.completedLastHour()).isEqualTo(1);
        assertThat(i2v.models()).containsExactly("wan2.7-i2v", "wan2.7-i2v-2026-04-25");

        // Two hours on, the window holds none of it.
        StatsObject later = new GatewayStats(gateway.store, gateway.accounts, Clock.offset(Clock.systemUTC(), Duration.ofHours(2)))
                .report(operator("t1"));
        assertThat(later.tenant().completedLastHour()).isZero();
        assertThat(pool(later, "wan2.7-r2v").completedLastHour()).isZero();
        assertThat(pool(later, "wan2.7-r2v").detectionDelay().meanSeconds()).isNull();
    }

    @Test
    void theBacklogShowsItsDepthItsTenantsAndItsOldestWait() throws Exception {
        gateway = GatewayHarness.setup(SimulatorSettings.defaults().withTiming(0, 60, 60))
                .settings(GatewayHarness.quickSettings()).slots(1).start();
        String first = gateway.submit("t1", r2v("first"));
        gateway.pumpUntil(() -> gateway.task(first).state() == TaskState.RUNNING, WAIT);
        List<String> waiting = List.of(gateway.submit("t1", r2v("second")), gateway.submit("t2", r2v("third")),
                gateway.submit("t2", r2v("fourth")));
        assertThat(waiting).allMatch(id -> gateway.task(id).state() == TaskState.QUEUED);
        Thread.sleep(1_100);
        gateway.poller.sweeper().sweep();
        GatewayStats stats = new GatewayStats(gateway.store, gateway.accounts, Clock.systemUTC());

        StatsObject t1 = stats.report(tenant("t1"));
        StatsObject.TenantPool own = t1.tenant().models().get(0);
        assertThat(own.waiting()).isEqualTo(1);
        assertThat(own.slotsInUse()).isEqualTo(1);
        assertThat(own.oldestWaitSeconds()).isGreaterThanOrEqualTo(1);

        // The fair-queue index is eventually consistent: wait for it rather than for a fixed time.
        long deadline = System.currentTimeMillis() + 10_000;
        StatsObject.PoolStats pool = pool(stats.report(operator("ops")), "wan2.7-r2v");
        while (pool.waitingTenants() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            pool = pool(stats.report(operator("ops")), "wan2.7-r2v");
        }
        assertThat(pool.waiting()).isEqualTo(3);
        assertThat(pool.waitingTenants()).isEqualTo(2);
        assertThat(pool.backlogPartial()).isFalse();
        assertThat(pool.oldestWaitSeconds()).isGreaterThanOrEqualTo(1);
        assertThat(pool.slotsInUse()).isEqualTo(1);
        assertThat(pool.accounts()).singleElement().satisfies(a -> assertThat(a.slotsInUse()).isEqualTo(1));
        for (String id : waiting) {
            gateway.delete.delete(gateway.task(id).tenant(), id);
        }
    }
}
