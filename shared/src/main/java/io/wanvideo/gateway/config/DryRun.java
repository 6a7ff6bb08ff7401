package io.wanvideo.gateway.config;

/**
 * AWS calls made up to the wire and answered there, for priming a function before its SnapStart snapshot (README,
 * "Cold start"): inside {@link #run}, every call on this thread by a client built here is validated, marshalled and
 * signed, then answered by {@link DryRunHttpClient} with an empty success instead of being sent, and that answer is
 * read as a real one would be. So the code that builds a write (a task's transaction, a queue message) and reads its
 * answer is loaded and compiled without writing anything. Outside, calls go out as usual.
 */
public final class DryRun {
    private static final ThreadLocal<int[]> ACTIVE = new ThreadLocal<>();

    private DryRun() {}

    /**
     * Runs {@code calls} with every AWS call on this thread answered locally.
     *
     * @return whether any call was answered (anything {@code calls} threw is thrown)
     */
    public static boolean run(Runnable calls) {
        int[] before = ACTIVE.get();
        int[] answered = new int[1];
        ACTIVE.set(answered);
        try {
            calls.run();
            return answered[0] > 0;
        } finally {
            if (before == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(before);
            }
        }
    }

    /** Whether this thread is inside {@link #run}: a client of a system without a dry answer must not send. */
    public static boolean active() {
        return ACTIVE.get() != null;
    }

    static void answered() {
        int[] count = ACTIVE.get();
        if (count != null) {
            count[0]++;
        }
    }
}
