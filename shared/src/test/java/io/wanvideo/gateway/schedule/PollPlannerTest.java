package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.queue.TaskQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PollPlannerTest {
    private final PollPlanner planner = new PollPlanner();

    /** What run-local tells the poller about the simulator's default run of 5 s. */
    private static final LogNormal SIMULATOR = new LogNormal(5, 0.2);

    /** Query times from creation, stepped as the poller steps them, until one at or after {@code until}. */
    private List<Integer> queryTimes(LogNormal g, double until) {
        List<Integer> times = new ArrayList<>();
        int t = 0;
        for (int polls = 0; t < until; polls++) {
            t += planner.nextDelaySeconds(g, t, polls);
            times.add(t);
        }
        return times;
    }

    private List<Integer> schedule(LogNormal g, int polls, double horizon) {
        List<Integer> times = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < polls && t < horizon; i++) {
            t += planner.nextDelaySeconds(g, t, i);
            times.add((int) t);
        }
        return times;
    }

    /** The last second the dynamic-programming plan covers. */
    private int horizon(LogNormal g) {
        return planner.plan(g, planner.lambda(g.medianSeconds())).length - 1;
    }

    @Test
    void firstQueryIsEarlyToCatchFastRefusals() {
        LogNormal slow = new LogNormal(600, 0.4);
        assertThat(planner.nextDelaySeconds(slow, 0, 0)).isEqualTo(10);
        LogNormal fast = new LogNormal(20, 0.4);
        assertThat(planner.nextDelaySeconds(fast, 0, 0)).isEqualTo(1);
        // 5% of the median while that is under 10 s.
        LogNormal medium = new LogNormal(100, 0.4);
        assertThat(planner.nextDelaySeconds(medium, 0, 0)).isEqualTo(5);
        assertThat(planner.nextDelaySeconds(medium, 2, 0)).isEqualTo(3);
    }

    @Test
    void theEarlyQueryIsMadeOnceAndOnlyBeforeItsTime() {
        LogNormal g = new LogNormal(100, 0.4);
        int[] next = planner.plan(g, 2);
        // Already queried once: the plan decides even before the early query's time.
        assertThat(planner.nextDelaySeconds(g, 0, 1)).isEqualTo(next[0]);
        // Not queried yet, but the early query's time has come: the plan decides too.
        assertThat(planner.nextDelaySeconds(g, 5, 0)).isEqualTo(next[5] - 5).isGreaterThan(20);
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
    void backsOffByAQuarterOfTheOverrunPastThe99thPercentile() {
        // The plan queries every second around here, so the back-off alone sets these intervals.
        LogNormal g = new LogNormal(20, 0.3);
        double p99 = g.quantile(0.99);
        assertThat(horizon(g)).isEqualTo(84);
        assertThat(planner.nextDelaySeconds(g, p99 - 1, 5)).isEqualTo(1);
        assertThat(planner.nextDelaySeconds(g, p99 + 20, 5)).isEqualTo(5);
        assertThat(planner.nextDelaySeconds(g, p99 + 22, 5)).isEqualTo(6);
        // Past the plan's horizon the rule carries on.
        assertThat(planner.nextDelaySeconds(g, p99 + 100, 5)).isEqualTo(25);
        assertThat(planner.nextDelaySeconds(g, p99 + 150, 5)).isEqualTo(38);
        assertThat(planner.nextDelaySeconds(SIMULATOR, SIMULATOR.quantile(0.99) + 20, 5)).isEqualTo(5);
    }

    @Test
    void theCapBoundsTheBackOff() {
        LogNormal g = new LogNormal(20, 0.3);
        double p99 = g.quantile(0.99);
        assertThat(planner.nextDelaySeconds(g, p99 + 236, 5)).isEqualTo(59);
        assertThat(planner.nextDelaySeconds(g, p99 + 240, 5)).isEqualTo(60);
        assertThat(planner.nextDelaySeconds(g, p99 + 10_000, 5)).isEqualTo(60);
        assertThat(planner.nextDelaySeconds(SIMULATOR, 1e6, 5)).isEqualTo(60);
        PollPlanner capAt30 = new PollPlanner(new PollPlanner.Settings(1.8, 200, 0.05, 10, 1, 30));
        assertThat(capAt30.nextDelaySeconds(g, p99 + 100, 5)).isEqualTo(25);
        assertThat(capAt30.nextDelaySeconds(g, p99 + 200, 5)).isEqualTo(30);
    }

    @Test
    void aTaskOverrunningTheSimulatorIsSeenWithinSecondsOfFinishing() {
        // The reported task: run-local's default 5 s, a task that ran 21 s. Before the fix the query after
        // 14 s came at 74 s, the 60 s cap, since 14 s is beyond the plan's horizon (13 s).
        assertThat(horizon(SIMULATOR)).isEqualTo(13);
        assertThat(queryTimes(SIMULATOR, 21)).containsExactly(1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 19, 22);
        assertThat(queryTimes(SIMULATOR, 75)).endsWith(22, 26, 31, 37, 45, 55, 67, 82);
    }

    @Test
    void theScheduleCarriesOnWithoutAJumpWhereThePlanEnds() {
        for (LogNormal g : List.of(SIMULATOR, new LogNormal(20, 0.3), new LogNormal(60, 0.4), new LogNormal(100, 0.15))) {
            int horizon = horizon(g);
            int atHorizon = planner.nextDelaySeconds(g, horizon, 5);
            int beyond = planner.nextDelaySeconds(g, horizon + 1, 5);
            assertThat(beyond).as("median %s", g.medianSeconds()).isBetween(atHorizon, atHorizon + 1)
                    .isEqualTo((int) Math.min(60, Math.ceil((horizon + 1 - g.quantile(0.99)) / 4)));
            // From the 99th percentile on, intervals never shrink (up to rounding to whole seconds).
            List<Integer> times = queryTimes(g, 3 * horizon);
            int previous = 0;
            for (int i = 1; i < times.size(); i++) {
                if (times.get(i - 1) > g.quantile(0.99)) {
                    int gap = times.get(i) - times.get(i - 1);
                    assertThat(gap).as("median %s after %s s", g.medianSeconds(), times.get(i - 1))
                            .isGreaterThanOrEqualTo(previous - 1);
                    previous = gap;
                }
            }
        }
    }

    @Test
    void intervalsStayWithinWhatSqsCanDelay() {
        for (double median : new double[] {3, 20, 300, 900}) {
            LogNormal g = new LogNormal(median, 0.4);
            for (double t = 0; t < 10 * median; t += median / 7) {
                int d = planner.nextDelaySeconds(g, t, 1);
                assertThat(d).isBetween(1, TaskQueue.MAX_DELAY_SECONDS);
            }
        }
    }

    @Test
    void aSkipLongerThanSqsCanDelayIsCutTo900Seconds() {
        LogNormal g = new LogNormal(3000, 0.1);
        int[] next = planner.plan(g, 1.8);
        // The plan skips to where one task in a thousand has finished, 2202 s.
        assertThat(next[10]).isGreaterThan((int) g.quantile(0.001));
        assertThat(next[10] - 10).isGreaterThan(TaskQueue.MAX_DELAY_SECONDS);
        assertThat(planner.nextDelaySeconds(g, 10, 1)).isEqualTo(900);
        PollPlanner longCap = new PollPlanner(new PollPlanner.Settings(1.8, 200, 0.05, 10, 1, 5000));
        assertThat(longCap.nextDelaySeconds(SIMULATOR, 1e6, 5)).isEqualTo(900);
    }

    @Test
    void noIntervalIsShorterThanTheMinimum() {
        PollPlanner everyThree = new PollPlanner(new PollPlanner.Settings(1.8, 200, 0.05, 10, 3, 60));
        // The plan says 1 s at 6 s, the early query 0.25 s, the back-off 0.01 s just past the 99th percentile.
        assertThat(planner.nextDelaySeconds(SIMULATOR, 6, 2)).isEqualTo(1);
        assertThat(everyThree.nextDelaySeconds(SIMULATOR, 6, 2)).isEqualTo(3);
        assertThat(everyThree.nextDelaySeconds(SIMULATOR, 0, 0)).isEqualTo(3);
        assertThat(everyThree.nextDelaySeconds(SIMULATOR, SIMULATOR.quantile(0.99) + 0.04, 5)).isEqualTo(3);
        // Past the horizon too, where only the back-off speaks.
        LogNormal narrow = new LogNormal(1, 0.1);
        assertThat(horizon(narrow)).isEqualTo(2);
        assertThat(planner.nextDelaySeconds(narrow, 3.5, 5)).isEqualTo(1);
        assertThat(everyThree.nextDelaySeconds(narrow, 3.5, 5)).isEqualTo(3);
    }

    @Test
    void lambdaIsTheFloorOrKappaOverTheMedianWhicheverIsLarger() {
        assertThat(planner.lambda(5)).isEqualTo(40);
        assertThat(planner.lambda(100)).isEqualTo(2);
        assertThat(planner.lambda(300)).isEqualTo(1.8);
        assertThat(planner.lambda(10_000)).isEqualTo(1.8);
        PollPlanner other = new PollPlanner(new PollPlanner.Settings(2.5, 50, 0.05, 10, 1, 60));
        assertThat(other.lambda(10)).isEqualTo(5);
        assertThat(other.lambda(100)).isEqualTo(2.5);
    }

    @Test
    void theScheduleIsThePlanForTheChosenLambda() {
        // median 100: κ / median = 2 wins over the floor; median 300: the floor 1.8 wins over 0.67.
        for (double[] c : new double[][] {{100, 2, 1.8}, {300, 1.8, 200.0 / 300}}) {
            LogNormal g = new LogNormal(c[0], 0.4);
            int[] chosen = PollPlanner.optimalSchedule(g, c[1]);
            int[] other = PollPlanner.optimalSchedule(g, c[2]);
            int p99 = (int) g.quantile(0.99);
            assertThat(IntStream.range(0, p99).filter(t -> chosen[t] != other[t]).count()).isGreaterThan(10);
            for (int t = 0; t < p99; t++) {
                assertThat(planner.nextDelaySeconds(g, t, 1)).as("median %s at %s s", c[0], t).isEqualTo(chosen[t] - t);
            }
        }
    }

    @Test
    void plansAreComputedOncePerDistributionAndKeptForTheLatest512() {
        PollPlanner cache = new PollPlanner();
        int[] first = cache.plan(new LogNormal(300, 0.4), 1.8);
        assertThat(cache.plan(new LogNormal(300, 0.4), 1.8)).isSameAs(first);
        assertThat(cache.plan(new LogNormal(300, 0.4), 2)).isNotSameAs(first).isNotEqualTo(first);
        assertThat(cache.plan(new LogNormal(301, 0.4), 1.8)).isNotEqualTo(first);
        assertThat(cache.plan(new LogNormal(300, 0.41), 1.8)).isNotEqualTo(first);
        // 512 plans in all now: still kept, and this use makes it the most recent.
        for (int i = 0; i < 508; i++) {
            cache.plan(new LogNormal(1 + i / 1000.0, 0.1), 1.8);
        }
        assertThat(cache.plan(new LogNormal(300, 0.4), 1.8)).isSameAs(first);
        // The 513th evicts the least recently used, not the first computed.
        cache.plan(new LogNormal(2, 0.1), 1.8);
        assertThat(cache.plan(new LogNormal(300, 0.4), 1.8)).isSameAs(first);
        // 512 more: the 512th finds it the least recently used; it is computed again, the same.
        for (int i = 0; i < 512; i++) {
            cache.plan(new LogNormal(3 + i / 1000.0, 0.1), 1.8);
        }
        assertThat(cache.plan(new LogNormal(300, 0.4), 1.8)).isNotSameAs(first).isEqualTo(first);
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
    void noSmallChangeToThePlanLowersItsExpectedCost() {
        // Checked against the cost computed from the distribution, not against the solver's own recursion.
        for (double[] c : new double[][] {{300, 0.4, 1.8}, {60, 0.4, 200.0 / 60}, {20, 0.3, 10}}) {
            LogNormal g = new LogNormal(c[0], c[1]);
            double lambda = c[2];
            int[] next = PollPlanner.optimalSchedule(g, lambda);
            List<Integer> plan = new ArrayList<>();
            for (int t = 0; t < next.length; t = next[t]) {
                plan.add(next[t]);
            }
            double cost = expectedCost(g, lambda, plan);
            for (int i = 0; plan.get(i) < g.quantile(0.999); i++) {
                int before = i == 0 ? 0 : plan.get(i - 1);
                int after = plan.get(i + 1);
                List<List<Integer>> variants = new ArrayList<>();
                for (int moved : new int[] {plan.get(i) - 1, plan.get(i) + 1}) {
                    if (moved > before && moved < after) {
                        List<Integer> v = new ArrayList<>(plan);
                        v.set(i, moved);
                        variants.add(v);
                    }
                }
                List<Integer> dropped = new ArrayList<>(plan);
                dropped.remove(i);
                variants.add(dropped);
                if (after - plan.get(i) > 1) {
                    List<Integer> added = new ArrayList<>(plan);
                    added.add(i + 1, (plan.get(i) + after) / 2);
                    variants.add(added);
                }
                for (List<Integer> v : variants) {
                    assertThat(expectedCost(g, lambda, v)).as("median %s, query %d at %d s", c[0], i, plan.get(i))
                            .isGreaterThan(cost - 1e-9);
                }
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

    @Test
    void pastTheMedianTheScheduleStillSpacesItsQueries() {
        // After the median the search is limited to a window ahead, but that window still lets gaps be chosen:
        // a ten-minute task is not queried every second once it passes its median.
        LogNormal g = new LogNormal(600, 0.4);
        int[] next = PollPlanner.optimalSchedule(g, 1.8);
        for (int t = 650; t <= 900; t += 50) {
            assertThat(next[t] - t).as("gap after a query at %d s", t).isGreaterThan(1);
        }
    }
}
