package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollPlannerTest {
    private final PollPlanner planner = new PollPlanner();

    private List<Integer> schedule(LogNormal g, int polls, double horizon) {
        List<Integer> times = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < polls && t < horizon; i++) {
            t += planner.nextDelaySeconds(g, t, i);
            times.add((int) t);
        }
        return times;
    }

    @Test
    void firstQueryIsEarlyToCatchFastRefusals() {
        LogNormal slow = new LogNormal(600, 0.4);
        assertThat(planner.nextDelaySeconds(slow, 0, 0)).isEqualTo(10);
        LogNormal fast = new LogNormal(20, 0.4);
        assertThat(planner.nextDelaySeconds(fast, 0, 0)).isEqualTo(1);
    }

    @Test
    void waitsThroughTheStretchWhereCompletionIsUnlikely() {
        LogNormal g = new LogNormal(600, 0.4);
        int second = 10 + planner.nextDelaySeconds(g, 10, 1);
        // Under 2% of tasks finish before 0.44 x median; the gap after the early query reaches toward it.
        assertThat(second).isGreaterThan(60);
    }

    @Test
    void queriesAreDensestWhereCompletionIsLikely() {
        LogNormal g = new LogNormal(300, 0.4);
        List<Integer> times = schedule(g, 300, 3000);
        int early = times.get(1) - times.get(0);
        int nearMedian = gapAround(times, 300);
        // Beyond the 99th percentile (757 s) the task is overrunning every expectation: back off.
        int overrun = gapAround(times, 1500);
        assertThat(nearMedian).isLessThan(early).isLessThan(overrun);
        assertThat(overrun).isEqualTo(Math.min(60, (1500 - 757) / 4));
    }

    @Test
    void intervalsStayWithinWhatSqsCanDelay() {
        for (double median : new double[] {3, 20, 300, 900}) {
            LogNormal g = new LogNormal(median, 0.4);
            for (double t = 0; t < 10 * median; t += median / 7) {
                int d = planner.nextDelaySeconds(g, t, 1);
                assertThat(d).isBetween(1, io.wanvideo.gateway.queue.TaskQueue.MAX_DELAY_SECONDS);
            }
        }
    }

    /** E[queries] + λ·E[delay] of a query schedule that starts at creation, computed from the distribution. */
    private static double expectedCost(LogNormal g, double lambda, List<Integer> times) {
        double cost = 0;
        double previous = 0;
        for (int t : times) {
            cost += g.survival(previous) + lambda * (t * (g.cdf(t) - g.cdf(previous)) - (g.partialMean(t) - g.partialMean(previous)));
            previous = t;
        }
        return cost;
    }

    @Test
    void noFixedIntervalBeatsThePlannedSchedule() {
        LogNormal g = new LogNormal(300, 0.4);
        // Without the early query, the planner's schedule is the optimum for its λ (1.8 at this median).
        PollPlanner noEarly = new PollPlanner(new PollPlanner.Settings(1.8, 0, 0, 0, 1, 60));
        List<Integer> planned = new ArrayList<>();
        double t = 0;
        for (int i = 0; t < g.quantile(1 - 1e-6); i++) {
            t += noEarly.nextDelaySeconds(g, t, i);
            planned.add((int) t);
        }
        double best = expectedCost(g, 1.8, planned);
        for (int interval = 1; interval <= 120; interval++) {
            List<Integer> fixed = new ArrayList<>();
            for (int q = interval; q < g.quantile(1 - 1e-6) + interval; q += interval) {
                fixed.add(q);
            }
            assertThat(expectedCost(g, 1.8, fixed)).as("every %d s", interval).isGreaterThan(best);
        }
    }

    @Test
    void aFastUpstreamIsWatchedInProportion() {
        LogNormal g = new LogNormal(20, 0.3);
        List<Integer> times = schedule(g, 100, 60);
        assertThat(gapAround(times, 20)).isLessThanOrEqualTo(3);
    }

    private static int gapAround(List<Integer> times, int t) {
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) >= t) {
                return times.get(i) - times.get(i - 1);
            }
        }
        throw new AssertionError("no query after " + t + " in " + times);
    }
}
