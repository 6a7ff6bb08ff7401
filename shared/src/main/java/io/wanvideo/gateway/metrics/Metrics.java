package io.wanvideo.gateway.metrics;

import java.util.Map;

/**
 * Where the services report what happens (README, "Metrics"): a narrow seam, so that no SDK or metrics-library type
 * reaches them. The functions install the embedded-metric-format sink ({@code EmfMetrics}) and flush it at the end of
 * each invocation; tests may install a capturing one; by default records go nowhere.
 */
public interface Metrics {
    /**
     * @param dimensions values of the metric's dimensions, in {@link Metric#dimensions()} order
     */
    void record(Metric metric, double value, String... dimensions);

    /** Writes what was recorded since the last flush. */
    default void flush() {}

    /**
     * Before a SnapStart snapshot: runs what a flush runs, writing nothing, and drops what priming recorded (README,
     * "Cold start").
     */
    default void prime() {}

    Metrics NONE = (metric, value, dimensions) -> {};

    /** The process's sink. */
    static Metrics current() {
        return Installed.current;
    }

    static void install(Metrics metrics) {
        Installed.current = metrics == null ? NONE : metrics;
    }

    static void count(Metric metric, String... dimensions) {
        Installed.current.record(metric, 1, dimensions);
    }

    static void value(Metric metric, double value, String... dimensions) {
        Installed.current.record(metric, value, dimensions);
    }

    /** The dimensions of a record by name, or empty if the values do not match the metric's dimensions. */
    static Map<String, String> dimensionsOf(Metric metric, String... values) {
        if (values == null || values.length != metric.dimensions().size()) {
            return Map.of();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            out.put(metric.dimensions().get(i), values[i] == null ? "none" : values[i]);
        }
        return out;
    }

    /** Holder of the installed sink (an interface cannot have a mutable static field). */
    final class Installed {
        private static volatile Metrics current = NONE;

        private Installed() {}
    }
}
