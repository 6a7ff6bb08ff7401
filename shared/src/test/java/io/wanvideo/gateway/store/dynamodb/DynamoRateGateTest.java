package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.testing.LocalAws;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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

    @Test
    void spacesCallsOneIntervalApartPerKey() {
        DynamoRateGate gate = new DynamoRateGate(aws.dynamo(), aws.newTable(), clock);
        assertThat(gate.tryAcquire("create#m", 200)).isZero();
        assertThat(gate.tryAcquire("create#m", 200)).isEqualTo(200);
        now.addAndGet(150);
        assertThat(gate.tryAcquire("create#m", 200)).isEqualTo(50);
        assertThat(gate.tryAcquire("query", 50)).isZero();
        now.addAndGet(50);
        assertThat(gate.tryAcquire("create#m", 200)).isZero();
    }

    @Test
    void concurrentCallersGetOneSlotPerInterval() throws Exception {
        DynamoRateGate gate = new DynamoRateGate(aws.dynamo(), aws.newTable(), clock);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        var results = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> gate.tryAcquire("query", 100)));
        }
        int granted = 0;
        for (var r : results) {
            granted += r.get() == 0 ? 1 : 0;
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(1);
    }
}
