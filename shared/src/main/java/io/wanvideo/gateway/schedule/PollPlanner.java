package io.wanvideo.gateway.schedule;

import io.wanvideo.gateway.queue.TaskQueue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When to query the upstream next.
 *
 * <p>One early query catches fast refusals. After it, queries follow the schedule that minimises
 * expected queries + λ × expected detection delay for the task's expected generation-time distribution: found
 * by dynamic programming over whole seconds (the granularity of SQS delays) and cached per distribution. It
 * leaves the stretch where completion is unlikely unqueried, queries densely where completion is likely, and
 * spaces queries out again in the far tail.
 *
 * <p>Past the 99th percentile the expected distribution evidently does not describe this task (a stuck or
 * unusually slow one), so the interval also grows with the overrun: at least a quarter of the time since that
 * percentile, up to {@code backoffCapSeconds}. Past the plan's horizon that back-off alone sets the interval.
 *
 * <p>λ, the price of one second of delay in queries, is the larger of {@code lambdaFloor} and
 * {@code relativePrecision / median}: a fast upstream (the simulator, seconds) is watched as closely in
 * proportion as a slow one is in absolute terms.
 */
public final class PollPlanner {
    private static final int CACHED_PLANS = 512;
    private static final double OVERRUN_PERCENTILE = 0.99;
    private static final double OVERRUN_SHARE = 0.25;

    /**
     * @param lambdaFloor       queries worth one second of delay, at least
     * @param relativePrecision κ: λ is at least κ / median
     * @param earlyFraction     the early query at this fraction of the median...
     * @param earlyMaxSeconds   ...but no later than this
     * @param backoffCapSeconds the longest interval once a task has overrun its 99th percentile
     */
    public record Settings(double lambdaFloor, double relativePrecision, double earlyFraction, double earlyMaxSeconds,
            int minIntervalSeconds, int backoffCapSeconds) {
        public static final Settings DEFAULT = new Settings(1.8, 200, 0.05, 10, 1, 60);
    }

    private record Key(double median, double sigma, double lambda) {}

    private final Settings settings;
    private final Map<Key, int[]> plans = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, int[]> eldest) {
            return size() > CACHED_PLANS;
        }
    };

    public PollPlanner(Settings settings) {
        this.settings = settings;
    }

    public PollPlanner() {
        this(Settings.DEFAULT);
    }

    /**
     * @param expected generation time, counted from the run origin
     * @param elapsed  seconds since the run origin now
     * @param polls    queries made so far
     * @return whole seconds from now to the next query
     */
    public int nextDelaySeconds(LogNormal expected, double elapsed, int polls) {
        double median = expected.medianSeconds();
        if (polls == 0) {
            double early = Math.min(settings.earlyMaxSeconds(), settings.earlyFraction() * median);
            if (elapsed < early) {
                return clamp(early - elapsed);
            }
        }
        int[] next = plan(expected, lambda(median));
        int now = (int) Math.floor(Math.max(0, elapsed));
        // Past the plan's horizon (one task in a million still running) only the back-off speaks; it already
        // outweighs the plan's last gaps there, so the schedule carries on without a jump.
        double planned = now < next.length ? next[now] - elapsed : 0;
        return clamp(Math.max(planned, overrunBackoff(expected, elapsed)));
    }

    /** A quarter of the time since the 99th percentile, at most the cap; nothing before that percentile. */
    private double overrunBackoff(LogNormal expected, double elapsed) {
        double overrun = elapsed - expected.quantile(OVERRUN_PERCENTILE);
        return overrun > 0 ? Math.min(settings.backoffCapSeconds(), overrun * OVERRUN_SHARE) : 0;
    }

    /** Queries worth one second of delay for a task of this median. */
    double lambda(double medianSeconds) {
        return Math.max(settings.lambdaFloor(), settings.relativePrecision() / medianSeconds);
    }

    private int clamp(double seconds) {
        return (int) Math.max(settings.minIntervalSeconds(), Math.min(TaskQueue.MAX_DELAY_SECONDS, Math.ceil(seconds - 1e-9)));
    }

    /** {@code next[t]} of {@link #optimalSchedule}, computed once per distribution and λ. */
    int[] plan(LogNormal expected, double lambda) {
        Key key = new Key(expected.medianSeconds(), expected.sigma(), lambda);
        synchronized (plans) {
            int[] cached = plans.get(key);
            if (cached != null) {
                return cached;
            }
        }
        int[] plan = optimalSchedule(expected, lambda);
        synchronized (plans) {
            plans.put(key, plan);
        }
        return plan;
    }

    /**
     * next[t] is the best time for the query after one made at second t. With F the distribution function and
     * S = 1 − F, the expected cost still to come after a query at t (the task not finished yet) is
     * C(t) = min over s > t of S(t) (the query at s is made) + λ·E[(s − G); t < G ≤ s] (delay of the
     * completions it catches) + C(s). Solved backwards from a horizon beyond which one task in a million runs.
     */
    static int[] optimalSchedule(LogNormal g, double lambda) {
        int horizon = (int) Math.min(Math.ceil(g.quantile(1 - 1e-6)), 200_000);
        double[] cdf = new double[horizon + 1];
        double[] partial = new double[horizon + 1];
        for (int t = 1; t <= horizon; t++) {
            cdf[t] = g.cdf(t);
            partial[t] = g.partialMean(t);
        }
        double[] cost = new double[horizon + 1];
        int[] next = new int[horizon + 1];
        cost[horizon] = 1 - cdf[horizon];
        next[horizon] = horizon + 1;
        int median = (int) Math.ceil(g.medianSeconds());
        // Before the median a query may skip the whole unlikely stretch; after it, gaps are short.
        int lateWindow = Math.max(60, median / 2);
        for (int t = horizon - 1; t >= 0; t--) {
            double survival = 1 - cdf[t];
            int farthest = t <= median ? horizon : Math.min(horizon, t + lateWindow);
            double best = Double.MAX_VALUE;
            int bestNext = t + 1;
            // The terms that do not depend on s (S(t), and λ·E[G; G ≤ t]) are added once, after the choice.
            for (int s = t + 1; s <= farthest; s++) {
                double c = lambda * (s * (cdf[s] - cdf[t]) - partial[s]) + cost[s];
                if (c < best) {
                    best = c;
                    bestNext = s;
                }
            }
            cost[t] = survival + lambda * partial[t] + best;
            next[t] = bestNext;
        }
        return next;
    }
}
