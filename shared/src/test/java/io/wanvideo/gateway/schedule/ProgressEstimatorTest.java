package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Expected percentages are ⌊100 t / E[G | G > t]⌋ from mpmath at 40 digits. */
class ProgressEstimatorTest {
    private final LogNormal g = new LogNormal(240, 0.4);

    @Test
    void risesMonotonicallyAndStaysBelowAHundred() {
        for (double sigma : new double[] {0.15, 0.4, 0.8}) {
            LogNormal d = new LogNormal(240, sigma);
            int previous = 0;
            for (double t = 0; t < 240 * 20; t += 0.5) {
                int p = ProgressEstimator.runningPercent(d, t);
                assertThat(p).as("sigma %s at %s s", sigma, t).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(99);
                previous = p;
            }
            // On far into the tail, where both tail probabilities underflow.
            for (double t = 240 * 20; t < 1e15; t *= 1.5) {
                int p = ProgressEstimator.runningPercent(d, t);
                assertThat(p).as("sigma %s at %s s", sigma, t).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(99);
                previous = p;
            }
        }
    }

    @Test
    void startsAtZeroAndShowsTheFirstPercentAfterOneHundredthOfTheMean() {
        LogNormal d = new LogNormal(100, 0.4);
        assertThat(ProgressEstimator.runningPercent(d, -3)).isZero();
        assertThat(ProgressEstimator.runningPercent(d, 0)).isZero();
        // The mean is 108.3 s: 0.92% at 1 s, 1.02% at 1.1 s.
        assertThat(ProgressEstimator.runningPercent(d, 1.0)).isZero();
        assertThat(ProgressEstimator.runningPercent(d, 1.1)).isEqualTo(1);
    }

    @Test
    void isAboutHalfwayAtHalfTheExpectedTime() {
        assertThat(ProgressEstimator.runningPercent(g, 120)).isEqualTo(44);
    }

    @Test
    void nearsTheEndOnlyOnceATaskIsLate() {
        assertThat(ProgressEstimator.runningPercent(g, 240)).isEqualTo(70);
        assertThat(ProgressEstimator.runningPercent(g, g.quantile(0.95))).isEqualTo(83);
        assertThat(ProgressEstimator.runningPercent(g, 20 * 240)).isEqualTo(94);
        assertThat(ProgressEstimator.runningPercent(g, 240 * Math.exp(0.4 * 20))).isEqualTo(98);
        assertThat(ProgressEstimator.runningPercent(g, 240 * Math.exp(0.4 * 40))).isEqualTo(99);
    }

    @Test
    void aTaskOverrunningTheSimulatorStillClimbsAndNeverShowsAHundred() {
        // run-local's default expectation (5 s, σ 0.2) and the reported task, still running at 13 to 75 s.
        LogNormal simulator = new LogNormal(5, 0.2);
        assertThat(ProgressEstimator.runningPercent(simulator, 13)).isEqualTo(96);
        assertThat(ProgressEstimator.runningPercent(simulator, 20)).isEqualTo(97);
        assertThat(ProgressEstimator.runningPercent(simulator, 37)).isEqualTo(98);
        assertThat(ProgressEstimator.runningPercent(simulator, 75)).isEqualTo(98);
        assertThat(ProgressEstimator.runningPercent(simulator, 273)).isEqualTo(99);
        assertThat(ProgressEstimator.runningPercent(simulator, 1e6)).isEqualTo(99);
    }
}
