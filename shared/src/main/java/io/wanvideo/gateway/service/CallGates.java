package io.wanvideo.gateway.service;

import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.upstream.CallGate;
import java.time.Clock;

/** Waits for the upstream's rate limits: short waits are slept through, long ones handed back to the queue. */
final class CallGates {
    /** Rate waits shorter than this are slept through; longer ones go back on the queue. */
    private static final long MAX_INLINE_WAIT_MS = 1000;

    private final RateGate rates;
    private final Clock clock;

    CallGates(RateGate rates, Clock clock) {
        this.rates = rates;
        this.clock = clock;
    }

    /** @return 0 once the gate is taken, otherwise how many milliseconds to come back after */
    long acquire(CallGate gate) {
        long deadline = clock.millis() + MAX_INLINE_WAIT_MS;
        while (true) {
            long wait = rates.tryAcquire(gate.name(), gate.intervalMs());
            if (wait == 0) {
                return 0;
            }
            if (clock.millis() + wait > deadline) {
                return wait;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a rate slot", e);
            }
        }
    }
}
