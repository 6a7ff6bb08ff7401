package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressEstimatorTest {
    @Test
    void risesMonotonicallyAndStaysBelowAHundred() {
        for (double sigma : new double[] {0.15, 0.4, 0.8}) {
            LogNormal g = new LogNormal(240, sigma);
            int previous = 0;
            for (double t = 0; t < 240 * 20; t += 0.5) {
                int p = ProgressEstimator.runningPercent(g, t);
                assertThat(p).as("sigma %s at %s s", sigma, t).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(99);
                previous = p;
            }
        }
    }

    @Test
    void nearsTheEndOnlyOnceATaskIsLate() {
        LogNormal g = new LogNormal(240, 0.4);
        assertThat(ProgressEstimator.runningPercent(g, 240)).isBetween(60, 80);
        assertThat(ProgressEstimator.runningPercent(g, g.quantile(0.95))).isBetween(80, 95);
        assertThat(ProgressEstimator.runningPercent(g, 20 * 240)).isBetween(90, 99);
    }

    @Test
    void isAboutHalfwayAtHalfTheExpectedTime() {
        LogNormal g = new LogNormal(240, 0.4);
        assertThat(ProgressEstimator.runningPercent(g, 0)).isZero();
        assertThat(ProgressEstimator.runningPercent(g, 120)).isBetween(40, 55);
    }
}
