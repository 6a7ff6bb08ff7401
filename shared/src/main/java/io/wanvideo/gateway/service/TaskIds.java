package io.wanvideo.gateway.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Public task ids: "video_" and 26 Crockford base32 characters, a millisecond timestamp then 80 random
 * bits (the ULID layout), so ids sort by creation time and cannot be guessed.
 */
public final class TaskIds {
    private static final String DIGITS = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final char[] ALPHABET = DIGITS.toCharArray();
    /** Replaced after a SnapStart restore ({@link #reseed}): copies of one snapshot must not share its state. */
    private static volatile SecureRandom random = new SecureRandom();

    private final Clock clock;
    /** Read on every id, so that ids made after a {@link #reseed} come from the new generator. */
    private final Supplier<Random> source;

    public TaskIds(Clock clock) {
        this.clock = clock;
        this.source = () -> random;
    }

    /** @param source where the 80 random bits come from: a {@link SecureRandom} but in tests that need known ids */
    TaskIds(Clock clock, Random source) {
        this.clock = clock;
        this.source = () -> source;
    }

    public String next() {
        return next(clock.millis());
    }

    /**
     * An id whose timestamp is this time: the submission's own, so that ids sort as their tasks queue (the backlog
     * orders by submission time; a second reading of the clock could put two submissions a few milliseconds apart
     * in the opposite order to their ids).
     */
    public String next(long timeMs) {
        long time = timeMs;
        byte[] random = new byte[10];
        source.get().nextBytes(random);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (random[i] & 0xff);
            lo = (lo << 8) | (random[i + 5] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return "video_" + new String(out);
    }

    /** A generator of its own for this copy of the process: called after a SnapStart restore. */
    public static void reseed() {
        random = new SecureRandom();
    }

    /** The millisecond timestamp an id carries (ULID layout); the id must be {@link #plausible}. */
    public static long timeOf(String id) {
        long time = 0;
        for (int i = 6; i < 16; i++) {
            time = (time << 5) | DIGITS.indexOf(id.charAt(i));
        }
        return time;
    }

    /** Whether a string could be an id this class made; anything else is certainly unknown. */
    public static boolean plausible(String id) {
        return id != null && id.matches("video_[0-9a-hjkmnp-tv-z]{26}");
    }
}
