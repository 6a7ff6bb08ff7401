package io.wanvideo.gateway.service;

import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.upstream.CallGate;

/** Waits for the upstream's rate limits: short waits are slept through, long ones handed back to the queue. */
final class CallGates {
    /** Rate waits shorter than this are slept through; longer ones go back on the queue. */
    private static final long MAX_INLINE_WAIT_MS = 1000;

    private final RateGate rates;

    CallGates(RateGate rates) {
        this.rates = rates;
    }

    /**
     * Takes the gate's earliest slot within the inline wait and sleeps until it starts; callers arriving together get
     * one slot each, in turn.
     *
     * @return 0 once the gate is taken (and its slot has started), otherwise how many milliseconds to come back after
     */
    long acquire(CallGate gate) {
        RateGate.Slot slot = rates.reserve(gate.name(), gate.intervalMs(), MAX_INLINE_WAIT_MS);
        if (!slot.taken()) {
            return slot.waitMs();
        }
        if (slot.waitMs() > 0) {
            try {
                Thread.sleep(slot.waitMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a rate slot", e);
            }
        }
        return 0;
    }
}
