package io.wanvideo.gateway.schedule;

/**
 * When to query the upstream next.
 *
 * <p>One early query catches fast refusals. After it, queries are spread with density
 * n(t) = sqrt(λ·h(t)/2), where h is the hazard rate of the task's expected generation time (the chance
 * per second that a task still running at t finishes now). That density minimises queries + λ × delay
 * (Keller's inspection-density rule): queries are sparse while completion is unlikely, dense where it is
 * likely, and thin out again in the tail, capped at {@code maxIntervalSeconds}. Each next query falls where
 * the density accumulated since the last one reaches 1.
 *
 * <p>Past the 99th percentile the expected distribution evidently does not describe this task (a stuck or
 * unusually slow one), so the interval also grows with the overrun: at least a quarter of the time since that
 * percentile, a geometric backoff up to the cap.
 *
 * <p>λ, the price of one second of detection delay in queries, is the larger of a floor and
 * {@code relativePrecision / median}: a fast upstream (the simulator, seconds) is watched as closely in
 * proportion as a slow one is in absolute terms.
 */
public final class PollPlanner {
    /**
     * @param lambdaFloor       queries worth one second of delay, at least
     * @param relativePrecision κ: λ is at least κ / median
     * @param earlyFraction     the early query at this fraction of the median...
     * @param earlyMaxSeconds   ...but no later than this
     */
    public record Settings(double lambdaFloor, double relativePrecision, double earlyFraction, double earlyMaxSeconds,
            int minIntervalSeconds, int maxIntervalSeconds) {
        public static final Settings DEFAULT = new Settings(0.5, 100, 0.05, 10, 1, 60);
    }

    private final Settings settings;

    public PollPlanner(Settings settings) {
        this.settings = settings;
    }

    public PollPlanner() {
        this(Settings.DEFAULT);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * @param expected generation time, counted from the run origin
     * @param elapsed  seconds since the run origin now
     * @param polls    queries made so far
     * @return whole seconds from now to the next query (SQS delays are whole seconds)
     */
    public int nextDelaySeconds(LogNormal expected, double elapsed, int polls) {
        double median = expected.medianSeconds();
        if (polls == 0) {
            double early = Math.min(settings.earlyMaxSeconds(), settings.earlyFraction() * median);
            if (elapsed < early) {
                return clamp(Math.round(early - elapsed));
            }
        }
        double lambda = Math.max(settings.lambdaFloor(), settings.relativePrecision() / median);
        double step = Math.max(median / 2000, 0.01);
        double limit = settings.maxIntervalSeconds();
        double accumulated = 0;
        double u = Math.max(elapsed, 0);
        double end = u + limit;
        while (u < end) {
            double mid = u + step / 2;
            accumulated += Math.sqrt(lambda * expected.hazard(mid) / 2) * step;
            u += step;
            if (accumulated >= 1) {
                break;
            }
        }
        double interval = u - elapsed;
        double overrun = elapsed - expected.quantile(0.99);
        if (overrun > 0) {
            interval = Math.max(interval, overrun / 4);
        }
        return clamp(Math.round(interval));
    }

    private int clamp(long seconds) {
        return (int) Math.max(settings.minIntervalSeconds(), Math.min(settings.maxIntervalSeconds(), seconds));
    }
}
