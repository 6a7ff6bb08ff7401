package io.wanvideo.gateway.schedule;

import java.util.Collection;

/**
 * When an account's completion watcher lists the account's tasks next: one listing answers for every task the
 * account runs, so the cadence follows how likely it is that <em>any</em> of them has finished.
 *
 * <p>The rule: list again once the detection delay expected to pile up among the running tasks, priced at λ listings
 * per second of delay, is worth one listing. With D(Δ) = Σ E[(t + Δ − G)⁺ | G > t] over the running tasks (t: how
 * long each has run, G: its generation time), the next listing comes after the Δ with λ · D(Δ) = 1. For a steady
 * completion rate H, D(Δ) = HΔ²/2 and this is Δ = √(2 / (λH)), exactly the interval that minimises listings + λ ×
 * delay per unit of time; as completions become likely (hazards rising) it lists sooner, and while every task is
 * young it waits. So more running tasks, or tasks nearer their expected end, mean shorter intervals.
 *
 * <p>Bounds: never sooner than {@code minIntervalSeconds} (the watcher's share of the account's query budget), never
 * later than {@code maxIntervalSeconds}; and a task younger than its early point (as {@link PollPlanner}'s early
 * query: a fraction of its median, at most a few seconds) gets a listing then, to catch fast refusals.
 *
 * <p>Pure and deterministic: the watcher and the poll-policy benchmark run this same code.
 */
public final class ListingCadence {
    /** Below this survival the exact conditional expectation loses its digits; the hazard stands in for it. */
    private static final double TINY_SURVIVAL = 1e-9;
    private static final int BISECTION_STEPS = 40;

    /**
     * @param lambda             listings worth one second of detection delay of one task
     * @param minIntervalSeconds the shortest interval: 1 / (the watcher's share of the account's queries per second)
     * @param maxIntervalSeconds the longest interval, however unlikely a completion
     * @param earlyFraction      a task is listed at this fraction of its median run...
     * @param earlyMaxSeconds    ...but no later than this after it started (0: no early listing)
     */
    public record Settings(double lambda, double minIntervalSeconds, double maxIntervalSeconds, double earlyFraction,
            double earlyMaxSeconds) {
        public Settings {
            if (!(lambda > 0) || !(minIntervalSeconds > 0) || maxIntervalSeconds < minIntervalSeconds) {
                throw new IllegalArgumentException("lambda and the intervals must be positive, min <= max");
            }
        }
    }

    /** One running task: its expected generation time, and how long it has run (seconds since its run origin). */
    public record Watched(LogNormal expected, double elapsedSeconds) {}

    private final Settings settings;

    public ListingCadence(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Seconds from now to the next listing, for these running tasks (none: the longest interval). */
    public double nextIntervalSeconds(Collection<Watched> running) {
        double lo = settings.minIntervalSeconds();
        double hi = settings.maxIntervalSeconds();
        double limit = hi;
        for (Watched w : running) {
            double early = Math.min(settings.earlyMaxSeconds(), settings.earlyFraction() * w.expected().medianSeconds());
            if (w.elapsedSeconds() < early) {
                limit = Math.min(limit, early - w.elapsedSeconds());
            }
        }
        limit = Math.max(lo, limit);
        double lambda = settings.lambda();
        // With nothing running no delay accrues: the longest interval.
        if (lambda * accruedDelay(running, limit) < 1) {
            return limit;
        }
        if (lambda * accruedDelay(running, lo) >= 1) {
            return lo;
        }
        hi = limit;
        for (int i = 0; i < BISECTION_STEPS && hi - lo > 1e-3; i++) {
            double mid = (lo + hi) / 2;
            if (lambda * accruedDelay(running, mid) >= 1) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /**
     * D(Δ): the detection delay, in task-seconds, expected to accrue over the next {@code seconds} among tasks still
     * running now, if nobody looks before then.
     */
    public static double accruedDelay(Collection<Watched> running, double seconds) {
        double total = 0;
        for (Watched w : running) {
            total += accruedDelay(w.expected(), Math.max(0, w.elapsedSeconds()), seconds);
        }
        return total;
    }

    /** E[(t + Δ − G)⁺ | G > t] = ((t + Δ)·(F(t + Δ) − F(t)) − (E[G; G ≤ t + Δ] − E[G; G ≤ t])) / S(t). */
    static double accruedDelay(LogNormal g, double t, double delta) {
        double survival = g.survival(t);
        if (survival < TINY_SURVIVAL) {
            // Far in the tail the hazard barely moves over a few seconds: delay ≈ h·Δ²/2.
            return g.hazard(t) * delta * delta / 2;
        }
        double end = t + delta;
        double caught = g.cdf(end) - g.cdf(t);
        double mean = g.partialMean(end) - g.partialMean(t);
        return Math.max(0, end * caught - mean) / survival;
    }
}
