package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListingCadenceTest {
    private static final LogNormal TASK = new LogNormal(300, 0.4);
    private final ListingCadence cadence = new ListingCadence(new ListingCadence.Settings(14, 0.2, 30, 0.05, 10));

    private static List<ListingCadence.Watched> running(int count, LogNormal g, double elapsed) {
        return new ArrayList<>(Collections.nCopies(count, new ListingCadence.Watched(g, elapsed)));
    }

    @Test
    void listsWhenTheDelayPilingUpIsWorthOneListing() {
        List<ListingCadence.Watched> tasks = running(5, TASK, 350);
        double next = cadence.nextIntervalSeconds(tasks);
        assertThat(14 * ListingCadence.accruedDelay(tasks, next)).isCloseTo(1, within(0.01));
        // For a steady completion rate H the rule is the interval that minimises listings + λ·delay: √(2 / (λH)).
        double hazard = 5 * TASK.hazard(350);
        assertThat(next).isCloseTo(Math.sqrt(2 / (14 * hazard)), within(0.05 * next));
    }

    @Test
    void moreRunningTasksMeanShorterIntervals() {
        double one = cadence.nextIntervalSeconds(running(1, TASK, 350));
        double five = cadence.nextIntervalSeconds(running(5, TASK, 350));
        double ten = cadence.nextIntervalSeconds(running(10, TASK, 350));
        assertThat(five).isLessThan(one);
        assertThat(ten).isLessThan(five);
        // Twice the tasks, twice the completion rate: √2 shorter.
        assertThat(five / ten).isCloseTo(Math.sqrt(2), within(0.05));
    }

    @Test
    void waitsWhileCompletionIsUnlikelyAndListsOftenWhereItIsLikely() {
        // Just past the early point, well before anything finishes (under 1% by 0.4 x the median): the longest interval.
        assertThat(cadence.nextIntervalSeconds(running(5, TASK, 20))).isEqualTo(30);
        double nearMedian = cadence.nextIntervalSeconds(running(5, TASK, 300));
        assertThat(nearMedian).isLessThan(5);
    }

    @Test
    void aYoungTaskIsListedAtItsEarlyPointToCatchFastRefusals() {
        List<ListingCadence.Watched> tasks = running(1, TASK, 2);
        // 5% of a 300 s median is 15 s, capped at 10 s: 8 s from now.
        assertThat(cadence.nextIntervalSeconds(tasks)).isCloseTo(8, within(1e-9));
        tasks.add(new ListingCadence.Watched(TASK, 350));
        assertThat(cadence.nextIntervalSeconds(tasks)).isLessThan(8);
    }

    @Test
    void neverSoonerThanTheBudgetShareAllowsNorLaterThanTheLongestInterval() {
        LogNormal fast = new LogNormal(5, 0.2);
        assertThat(cadence.nextIntervalSeconds(running(50, fast, 5))).isEqualTo(0.2);
        assertThat(cadence.nextIntervalSeconds(List.of())).isEqualTo(30);
        // Long past every expectation (hazard far in the tail) the interval stays bounded and finite.
        double late = cadence.nextIntervalSeconds(running(5, TASK, 100_000));
        assertThat(late).isBetween(0.2, 30.0);
    }

    @Test
    void theAccruedDelayMatchesItsDefinition() {
        // E[(t + Δ − G)⁺ | G > t] by summing over a fine grid of the density.
        double t = 250;
        double delta = 6;
        double sum = 0;
        double step = 0.001;
        for (double u = t + step / 2; u < t + delta; u += step) {
            sum += (t + delta - u) * TASK.density(u) * step;
        }
        double expected = sum / TASK.survival(t);
        double actual = ListingCadence.accruedDelay(List.of(new ListingCadence.Watched(TASK, t)), delta);
        assertThat(actual).isCloseTo(expected, within(1e-3 * expected));
        // Over a long look-ahead too, where the hazard's h·Δ²/2 (the tail's stand-in) would be far off.
        double longDelta = 200;
        double longSum = 0;
        double coarse = 0.01;
        for (double u = t + coarse / 2; u < t + longDelta; u += coarse) {
            longSum += (t + longDelta - u) * TASK.density(u) * coarse;
        }
        double longExpected = longSum / TASK.survival(t);
        assertThat(ListingCadence.accruedDelay(TASK, t, longDelta)).isCloseTo(longExpected, within(1e-3 * longExpected));
        assertThat(TASK.hazard(t) * longDelta * longDelta / 2).isNotCloseTo(longExpected, within(0.1 * longExpected));
    }

    @Test
    void theCadenceKeepsTheSettingsItWasGiven() {
        ListingCadence.Settings settings = new ListingCadence.Settings(9.9, 0.5, 20, 0.1, 4);
        assertThat(new ListingCadence(settings).settings()).isSameAs(settings);
    }

    @Test
    void aTaskAtItsEarlyPointIsNoLongerYoung() {
        // 5% of a 300 s median is 15 s, capped at 10 s: at 10 s the early listing is due now, not 0 s from now again.
        assertThat(cadence.nextIntervalSeconds(running(1, TASK, 10))).isEqualTo(30);
        assertThat(cadence.nextIntervalSeconds(running(1, TASK, 9.5))).isCloseTo(0.5, within(1e-9));
        // A fast task's early point is its fraction of the median (5% of 20 s: 1 s), under the cap.
        assertThat(cadence.nextIntervalSeconds(running(1, new LogNormal(20, 0.4), 0.25))).isCloseTo(0.75, within(1e-9));
        // Without an early listing a young task waits like any other.
        ListingCadence noEarly = new ListingCadence(new ListingCadence.Settings(14, 0.2, 30, 0.05, 0));
        assertThat(noEarly.nextIntervalSeconds(running(1, TASK, 2))).isEqualTo(30);
    }

    @Test
    void farInTheTailTheDelayGrowsWithTheHazardAsItsSquareRule() {
        // Survival below 1e-9: the conditional expectation would lose its digits; h·Δ²/2 stands in for it.
        double t = 100_000;
        assertThat(TASK.survival(t)).isLessThan(1e-9);
        double h = TASK.hazard(t);
        assertThat(h).isPositive();
        assertThat(ListingCadence.accruedDelay(TASK, t, 4)).isCloseTo(h * 16 / 2, within(1e-12 * h));
        assertThat(ListingCadence.accruedDelay(TASK, t, 8)).isCloseTo(4 * ListingCadence.accruedDelay(TASK, t, 4), within(1e-9 * h));
        // And the interval that follows from it is √(2 / (λ·5h)) for five such tasks, inside the bounds.
        double next = cadence.nextIntervalSeconds(running(5, TASK, t));
        double rule = Math.sqrt(2 / (14 * 5 * h));
        assertThat(next).isCloseTo(Math.max(0.2, Math.min(30, rule)), within(2e-3));
    }

    @Test
    void theIntervalIsFoundToAMillisecond() {
        List<ListingCadence.Watched> tasks = running(3, TASK, 320);
        double next = cadence.nextIntervalSeconds(tasks);
        assertThat(next).isStrictlyBetween(0.2, 30.0);
        assertThat(14 * ListingCadence.accruedDelay(tasks, next)).isGreaterThanOrEqualTo(1);
        assertThat(14 * ListingCadence.accruedDelay(tasks, next - 2e-3)).isLessThan(1);
    }
}
