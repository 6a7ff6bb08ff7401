package io.wanvideo.gateway.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * A secret that may be rotated: read when first needed, read again once older than its maximum age or once
 * told it was refused. Never read at construction, so a function's init (and a SnapStart snapshot of it)
 * holds no secret, and a rotation takes effect within the maximum age without a deploy.
 */
public final class RefreshingSecret implements Supplier<String> {
    /** Every secret in use, so that a restored snapshot can forget them all ({@link #forgetAll}). */
    private static final Set<RefreshingSecret> ALL = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final Supplier<String> reader;
    private final long maxAgeMs;
    private final Clock clock;
    private String value;
    private long readAtMs;

    public RefreshingSecret(Supplier<String> reader, Duration maxAge, Clock clock) {
        this.reader = reader;
        this.maxAgeMs = maxAge.toMillis();
        this.clock = clock;
        ALL.add(this);
    }

    /**
     * Every secret's next use reads it again: after a SnapStart restore, a value read before the snapshot (or its
     * age) must not be trusted, and each restored copy reads its own.
     */
    public static void forgetAll() {
        List<RefreshingSecret> all;
        synchronized (ALL) {
            all = List.copyOf(ALL);
        }
        all.forEach(RefreshingSecret::forget);
    }

    @Override
    public synchronized String get() {
        long now = clock.millis();
        if (value == null || now - readAtMs >= maxAgeMs) {
            value = reader.get();
            readAtMs = now;
        }
        return value;
    }

    /** How long ago the value in use was read; a refusal of a freshly read value is not cured by reading again. */
    public synchronized long ageMs() {
        return value == null ? Long.MAX_VALUE : clock.millis() - readAtMs;
    }

    /** The next {@link #get()} reads again: after the value was refused, or after a snapshot was restored. */
    public synchronized void forget() {
        value = null;
    }
}
