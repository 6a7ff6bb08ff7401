package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class LogNormalTest {
    private final LogNormal g = new LogNormal(100, 0.4);

    /** Reference values below are from mpmath at 40 digits. */
    private static final double ERFCC_RELATIVE_ERROR_PERCENT = 1.2e-5;

    @Test
    void halfTheTasksFinishByTheMedian() {
        assertThat(g.cdf(100)).isCloseTo(0.5, within(1e-7));
        assertThat(g.quantile(0.5)).isCloseTo(100, within(1e-6));
    }

    @Test
    void quantileInvertsTheDistribution() {
        for (double p : new double[] {1e-9, 0.001, 0.05, 0.3, 0.7, 0.95, 0.999, 1 - 1e-6}) {
            assertThat(g.cdf(g.quantile(p))).as("p %s", p).isCloseTo(p, withinPercentage(1e-4));
        }
        for (double t : new double[] {20, 60, 100, 180, 300, 700}) {
            assertThat(g.quantile(g.cdf(t))).as("t %s", t).isCloseTo(t, withinPercentage(1e-4));
        }
        // 95th percentile of a log-normal with sigma 0.4: e^(0.4 * 1.6449) = 1.930.
        assertThat(g.quantile(0.95)).isCloseTo(193.0, within(0.1));
        assertThat(g.quantile(1e-9)).isCloseTo(9.0797565445999315, withinPercentage(1e-6));
        assertThat(g.quantile(0.999)).isCloseTo(344.21384561255688, withinPercentage(1e-6));
    }

    @Test
    void nothingHasFinishedBeforeTheStart() {
        for (double t : new double[] {0, -5}) {
            assertThat(g.survival(t)).isEqualTo(1);
            assertThat(g.cdf(t)).isEqualTo(0);
            assertThat(g.density(t)).isEqualTo(0);
            assertThat(g.hazard(t)).isEqualTo(0);
            assertThat(g.partialMean(t)).isEqualTo(0);
            assertThat(g.meanGiven(t)).isEqualTo(g.mean());
        }
        assertThat(g.mean()).isCloseTo(108.32870676749586, within(1e-12));
    }

    @Test
    void densityIntegratesToTheCdf() {
        assertThat(g.density(100)).isCloseTo(0.3989422804014327 / 40, within(1e-15));
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
        // Up to 60 standard deviations: far past where either tail probability underflows.
        for (double t = 1; t < 100 * Math.exp(0.4 * 60); t *= 1.3) {
            double m = g.meanGiven(t);
            assertThat(m).as("t %s", t).isGreaterThan(t).isGreaterThanOrEqualTo(previous);
            previous = m;
        }
    }

    /**
     * ∫₀^∞ e^((a − z)v − v²/2) dv by Simpson's rule. With u = z + v, P(Z > z) = φ(z) × this at a = 0, and
     * E[e^(σ(Z − z)); Z > z] = φ(z) × this at a = σ: the far tail without any tail probability in it.
     */
    private static double tailIntegral(double z, double a) {
        double end = 60 / (z - a);
        int n = 20_000;
        double h = end / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double v = i * h;
            double weight = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
            sum += weight * Math.exp((a - z) * v - v * v / 2);
        }
        return sum * h / 3;
    }

    @Test
    void meanGivenFarInTheTailMatchesTheIntegral() {
        for (double sigma : new double[] {0.2, 0.4}) {
            LogNormal d = new LogNormal(5, sigma);
            for (double z : new double[] {5, 7, 7.5, 10, 20, 40}) {
                double t = 5 * Math.exp(sigma * z);
                double expected = t * tailIntegral(z, sigma) / tailIntegral(z, 0);
                assertThat(d.meanGiven(t)).as("sigma %s, z %s", sigma, z).isCloseTo(expected, withinPercentage(1e-4));
            }
        }
        // And against mpmath: E[G | G > t] / t at z = 10, where P(G > t) is 7.6e-24.
        LogNormal simulator = new LogNormal(5, 0.2);
        double t = 5 * Math.exp(0.2 * 10);
        assertThat(simulator.meanGiven(t) / t).isCloseTo(1.02000748948185, withinPercentage(1e-5));
    }

    @Test
    void hazardFarInTheTailMatchesTheIntegral() {
        // At the median: φ(0) / (½ σ t).
        assertThat(g.hazard(100)).isCloseTo(0.019947114020071634, withinPercentage(ERFCC_RELATIVE_ERROR_PERCENT));
        for (double z : new double[] {1, 5, 8, 10, 20, 40}) {
            double t = 100 * Math.exp(0.4 * z);
            assertThat(g.hazard(t) * 0.4 * t).as("z %s", z).isCloseTo(1 / tailIntegral(z, 0), withinPercentage(1e-4));
        }
        // φ(z) / P(Z > z) from mpmath; the Mills ratio's first term z is 1% short at z = 10.
        assertThat(g.hazard(100 * Math.exp(0.4 * 10)) * 0.4 * 100 * Math.exp(0.4 * 10))
                .isCloseTo(10.0980932339625, withinPercentage(1e-5));
        assertThat(g.hazard(100 * Math.exp(0.4 * 40)) * 0.4 * 100 * Math.exp(0.4 * 40))
                .isCloseTo(40.0249688472073, withinPercentage(1e-5));
    }

    @Test
    void erfcMatchesKnownValues() {
        double[][] known = {
            {-1, 1.8427007929497149}, {0, 1.0}, {0.3, 0.67137324054087258}, {0.5, 0.47950012218695346},
            {1, 0.15729920705028513}, {2, 0.0046777349810472658}, {3.5, 7.4309837234141275e-7},
            {5, 1.5374597944280349e-12}, {10, 2.0884875837625448e-45}, {26, 5.6631924088561428e-296}};
        for (double[] k : known) {
            assertThat(LogNormal.erfc(k[0])).as("erfc(%s)", k[0]).isCloseTo(k[1], withinPercentage(ERFCC_RELATIVE_ERROR_PERCENT));
        }
    }

    @Test
    void logUpperTailHoldsWhereTheTailUnderflows() {
        double[][] known = {
            {-1, Math.log(0.84134474606854293)}, {0, -0.69314718055994531}, {1, -1.8410216450092635},
            {5, -15.064998393988726}, {10, -53.231285150512471}, {40, -804.60844201375379},
            {100, -5005.5242086942051}};
        for (double[] k : known) {
            // An error of 1.2e-7 in the tail is one of 1.2e-7 in its logarithm.
            assertThat(LogNormal.logUpperTail(k[0])).as("ln P(Z > %s)", k[0]).isCloseTo(k[1], within(1.3e-7));
        }
        assertThat(LogNormal.upperTail(40)).isEqualTo(0);
    }

    @Test
    void inverseNormalMatchesKnownValues() {
        double[][] known = {
            {1e-9, -5.9978070150076869}, {1e-6, -4.7534243088228989}, {0.001, -3.0902323061678135},
            {0.02, -2.0537489106318231}, {0.02425, -1.9729610513118849}, {0.1, -1.2815515655446005}, {0.5, 0},
            {0.8, 0.84162123357291421}, {0.975, 1.9599639845400542}, {0.99, 2.3263478740408411},
            {1 - 1e-6, 4.7534243088228989}};
        for (double[] k : known) {
            assertThat(LogNormal.inverseNormal(k[0])).as("p %s", k[0]).isCloseTo(k[1], within(1e-8));
        }
    }

    @Test
    void refusesWhatIsNotADistribution() {
        for (double[] bad : new double[][] {{0, 0.4}, {-1, 0.4}, {Double.NaN, 0.4}, {100, 0}, {100, -0.1}, {100, Double.NaN}}) {
            assertThatThrownBy(() -> new LogNormal(bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("median and sigma must be positive");
        }
        for (double p : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> LogNormal.inverseNormal(p)).as("p %s", p).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("p must be in (0, 1)");
            assertThatThrownBy(() -> g.quantile(p)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
