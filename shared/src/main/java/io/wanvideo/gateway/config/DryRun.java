package io.wanvideo.gateway.config;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * AWS calls made up to the wire and no further, for priming a function before its SnapStart snapshot (README, "Cold
 * start"): inside {@link #run}, every call on this thread by a client built here is validated, marshalled, signed and
 * routed, then stopped before it is sent, so the code that builds a write (a task's transaction, a queue message) is
 * loaded and compiled without writing anything. Outside, the interceptor does nothing.
 */
public final class DryRun {
    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

    /** Added to every client by {@link AwsClientSettings}. */
    static final ExecutionInterceptor INTERCEPTOR = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (Boolean.TRUE.equals(ACTIVE.get())) {
                throw new Stopped();
            }
        }
    };

    /** Thrown where a dry run's call would have been sent. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("dry run: not sent", null, false, false);
        }
    }

    private DryRun() {}

    /**
     * Runs {@code calls} with every AWS call on this thread stopped before it is sent.
     *
     * @return whether a call was stopped (anything else {@code calls} threw is thrown)
     */
    public static boolean run(Runnable calls) {
        Boolean before = ACTIVE.get();
        ACTIVE.set(Boolean.TRUE);
        try {
            calls.run();
            return false;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Stopped) {
                    return true;
                }
            }
            throw e;
        } finally {
            if (before == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(before);
            }
        }
    }
}
