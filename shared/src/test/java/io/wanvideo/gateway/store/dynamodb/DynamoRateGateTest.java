package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.testing.LocalAws;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DynamoRateGateTest {
    private final LocalAws aws = LocalAws.get();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    /** A slot free now, or nothing: the wait until the next slot frees. */
    private static long tryNow(DynamoRateGate gate, String key, long intervalMs) {
        RateGate.Slot slot = gate.reserve(key, intervalMs, 0);
        return slot.taken() ? 0 : slot.waitMs();
    }

    @Test
    void spacesCallsOneIntervalApartPerKey() {
        DynamoRateGate gate = new DynamoRateGate(aws.dynamo(), aws.newTable(), clock);
        assertThat(tryNow(gate, "create#m", 200)).isZero();
        assertThat(tryNow(gate, "create#m", 200)).isEqualTo(200);
        now.addAndGet(150);
        assertThat(tryNow(gate, "create#m", 200)).isEqualTo(50);
        assertThat(tryNow(gate, "query", 50)).isZero();
        now.addAndGet(50);
        assertThat(tryNow(gate, "create#m", 200)).isZero();
    }

    @Test
    void concurrentCallersGetOneSlotPerInterval() throws Exception {
        DynamoRateGate gate = new DynamoRateGate(aws.dynamo(), aws.newTable(), clock);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        var results = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> tryNow(gate, "query", 100)));
        }
        int granted = 0;
        for (var r : results) {
            granted += r.get() == 0 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(1);
    }

    @Test
    void callersArrivingTogetherEachTakeTheirOwnSlotAheadUpToTheFurthestTheyWait() throws Exception {
        DynamoRateGate gate = new DynamoRateGate(aws.dynamo(), aws.newTable(), clock);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        var results = new java.util.ArrayList<java.util.concurrent.Future<RateGate.Slot>>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> gate.reserve("create#m", 200, 1000)));
        }
        List<Long> taken = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (var r : results) {
            RateGate.Slot slot = r.get();
            (slot.taken() ? taken : refused).add(slot.waitMs());
        }
        pool.shutdown();
        // One slot each, an interval apart, from now to a second ahead; the rest told when the next slot frees.
        assertThat(taken).containsExactlyInAnyOrder(0L, 200L, 400L, 600L, 800L, 1000L);
        assertThat(refused).containsOnly(1200L).hasSize(2);
        // The slots taken ahead are spent: a caller a moment later queues behind them.
        now.addAndGet(100);
        assertThat(gate.reserve("create#m", 200, 5000)).isEqualTo(new RateGate.Slot(true, 1100));
    }
}
