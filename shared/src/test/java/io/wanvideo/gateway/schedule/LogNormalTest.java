package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogNormalTest {
    private final LogNormal g = new LogNormal(100, 0.4);

    @Test
    void halfTheTasksFinishByTheMedian() {
        assertThat(g.cdf(100)).isCloseTo(0.5, within(1e-7));
        assertThat(g.quantile(0.5)).isCloseTo(100, within(1e-6));
    }

    @Test
    void quantileInvertsTheDistribution() {
        for (double p : new double[] {0.001, 0.05, 0.3, 0.7, 0.95, 0.999}) {
            assertThat(g.cdf(g.quantile(p))).isCloseTo(p, within(1e-6));
        }
        // 95th percentile of a log-normal with sigma 0.4: e^(0.4 * 1.6449) = 1.930.
        assertThat(g.quantile(0.95)).isCloseTo(193.0, within(0.1));
    }

    @Test
    void densityIntegratesToTheCdf() {
        double sum = 0;
        double step = 0.01;
        for (double t = step / 2; t < 150; t += step) {
            sum += g.density(t) * step;
        }
        assertThat(sum).isCloseTo(g.cdf(150), within(1e-5));
    }

    @Test
    void partialMeanIntegratesTheDensity() {
        double sum = 0;
        double step = 0.01;
        for (double t = step / 2; t < 130; t += step) {
            sum += t * g.density(t) * step;
        }
        assertThat(g.partialMean(130)).isCloseTo(sum, within(1e-3));
        assertThat(g.partialMean(1e6)).isCloseTo(g.mean(), within(1e-6));
    }

    @Test
    void meanGivenRunningPastTIsAlwaysBeyondT() {
        assertThat(g.meanGiven(0)).isCloseTo(g.mean(), within(1e-9));
        double previous = 0;
        for (double t = 1; t < 2000; t *= 1.3) {
            double m = g.meanGiven(t);
            assertThat(m).isGreaterThan(t).isGreaterThanOrEqualTo(previous);
            previous = m;
        }
    }

    @Test
    void hazardIsFiniteFarInTheTail() {
        double h = g.hazard(100 * Math.exp(0.4 * 12));
        assertThat(h).isPositive().isFinite();
    }
}
