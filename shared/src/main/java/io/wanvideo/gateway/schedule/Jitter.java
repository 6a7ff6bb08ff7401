package io.wanvideo.gateway.schedule;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Randomness for spreading retries apart. Not ThreadLocalRandom: its per-thread seeds (and the seed of threads made
 * later) are frozen in a SnapStart snapshot, so every copy restored from it would draw the same "random" delays and
 * retry in step. This generator is reseeded from the system's entropy after each restore ({@link #reseed}).
 */
public final class Jitter {
    private static volatile Random random = new Random();

    private Jitter() {}

    /** Uniform in [0, 1). */
    public static double next() {
        return random.nextDouble();
    }

    /** A seed of this copy's own: called after a SnapStart restore. */
    public static void reseed() {
        random = new Random(new SecureRandom().nextLong());
    }
}
