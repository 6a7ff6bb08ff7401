package io.wanvideo.gateway.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that stands still until a test moves it, so time-dependent rules are tested without waiting. */
public final class SettableClock extends Clock {
    private final AtomicLong millis;
    /** Added after every reading: 0 for a clock that stands still. */
    private final long tick;

    public SettableClock(long startMillis) {
        this(startMillis, 0);
    }

    private SettableClock(long startMillis, long tick) {
        this.millis = new AtomicLong(startMillis);
        this.tick = tick;
    }

    /** A clock a millisecond later at every reading: no two readings agree. */
    public static SettableClock ticking(long startMillis) {
        return new SettableClock(startMillis, 1);
    }

    public void advance(Duration by) {
        millis.addAndGet(by.toMillis());
    }

    public void set(long toMillis) {
        millis.set(toMillis);
    }

    @Override
    public long millis() {
        return millis.getAndAdd(tick);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
