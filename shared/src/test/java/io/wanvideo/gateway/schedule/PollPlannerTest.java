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
    void intervalsStayWithinTheirBounds() {
        for (double median : new double[] {3, 20, 300, 900}) {
            LogNormal g = new LogNormal(median, 0.4);
            for (double t = 0; t < 10 * median; t += median / 7) {
                int d = planner.nextDelaySeconds(g, t, 1);
                assertThat(d).isBetween(1, 60);
            }
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
