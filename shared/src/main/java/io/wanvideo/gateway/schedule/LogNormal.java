package io.wanvideo.gateway.schedule;

/**
 * A log-normal duration: median × e^(σZ), Z standard normal. The spread the upstream's generation
 * times show around their expected value.
 */
public record LogNormal(double medianSeconds, double sigma) {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    public LogNormal {
        if (!(medianSeconds > 0) || !(sigma > 0)) {
            throw new IllegalArgumentException("median and sigma must be positive");
        }
    }

    private double z(double t) {
        return Math.log(t / medianSeconds) / sigma;
    }

    /** P(G > t). */
    public double survival(double t) {
        return t <= 0 ? 1 : upperTail(z(t));
    }

    public double cdf(double t) {
        return 1 - survival(t);
    }

    public double density(double t) {
        if (t <= 0) {
            return 0;
        }
        double z = z(t);
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z) / (sigma * t);
    }

    /** Completions per second among tasks still running at t. */
    public double hazard(double t) {
        if (t <= 0) {
            return 0;
        }
        double z = z(t);
        // density / survival as a difference of logarithms: both underflow far in the tail, their ratio does not.
        return Math.exp(-0.5 * z * z - logUpperTail(z)) * INV_SQRT_2PI / (sigma * t);
    }

    public double mean() {
        return medianSeconds * Math.exp(sigma * sigma / 2);
    }

    /** E[G | G > t]: how long a task still running at t is expected to take in all. */
    public double meanGiven(double t) {
        if (t <= 0) {
            return mean();
        }
        double z = z(t);
        // The quotient of tails taken in logarithms: exact where both underflow (a task running many times its
        // expected time).
        return mean() * Math.exp(logUpperTail(z - sigma) - logUpperTail(z));
    }

    /** E[G; G <= t], the mean of the part of the distribution up to t. */
    public double partialMean(double t) {
        if (t <= 0) {
            return 0;
        }
        return mean() * (1 - upperTail(z(t) - sigma));
    }

    public double quantile(double p) {
        return medianSeconds * Math.exp(sigma * inverseNormal(p));
    }

    /** P(Z > z) for standard normal Z. */
    static double upperTail(double z) {
        return 0.5 * erfc(z / SQRT2);
    }

    /** ln P(Z > z), finite where P(Z > z) itself underflows to 0 (z beyond about 38). */
    static double logUpperTail(double z) {
        if (z < 0) {
            return Math.log(upperTail(z));
        }
        double x = z / SQRT2;
        double t = 1 / (1 + 0.5 * x);
        return Math.log(0.5 * t) + erfcExponent(x, t);
    }

    /** Complementary error function, fractional error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(erfcExponent(z, t));
        return x >= 0 ? r : 2 - r;
    }

    /** erfc(z) = t·e^(this) for z ≥ 0 and t = 1 / (1 + z/2). */
    private static double erfcExponent(double z, double t) {
        return -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
    }

    /** Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
    static double inverseNormal(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("p must be in (0, 1)");
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double low = 0.02425;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low) {
            return -inverseNormal(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}
