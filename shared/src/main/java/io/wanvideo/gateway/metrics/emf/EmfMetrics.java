package io.wanvideo.gateway.metrics.emf;

import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The functions' metrics: CloudWatch's embedded metric format, written with AWS's EMF library as log lines on standard
 * output, from which CloudWatch extracts the metrics (no API call, no extra permission). Chosen over Powertools'
 * metrics module, which is built on the same library and loaded more classes for the same first flush (README,
 * "Metrics"). Records from every thread are kept until {@link #flush}, which the handler calls once per invocation:
 * one line per set of dimension values, each metric in it counted both in its total (no dimensions) and split.
 * The environment is given (Lambda), so the library never probes for one.
 */
public final class EmfMetrics implements Metrics {
    private record Point(Metric metric, double value, Map<String, String> dimensions) {}

    private final String namespace;
    private final ConcurrentLinkedQueue<Point> points = new ConcurrentLinkedQueue<>();

    public EmfMetrics(String namespace) {
        this.namespace = namespace;
    }

    @Override
    public void record(Metric metric, double value, String... dimensions) {
        points.add(new Point(metric, value, Metrics.dimensionsOf(metric, dimensions)));
    }

    @Override
    public void flush() {
        List<Point> recorded = new ArrayList<>();
        for (Point p; (p = points.poll()) != null; ) {
            recorded.add(p);
        }
        write(recorded, LambdaEnvironment::new);
    }

    /**
     * Before a snapshot: lines built and serialized exactly as {@link #flush} builds them (a metric with dimensions,
     * one without), then dropped, so that the first flush after a restore loads nothing and no made-up figure reaches
     * CloudWatch. What was recorded until now is dropped with them: before a snapshot only priming runs, and what it
     * records (the gauges of a sweep whose every read was answered empty) describes nothing real.
     */
    @Override
    public void prime() {
        List<Point> recorded = new ArrayList<>(List.of(
                new Point(Metric.SLOTS_IN_USE, 0, Metrics.dimensionsOf(Metric.SLOTS_IN_USE, "priming", "priming")),
                new Point(Metric.ACCOUNTS_PAUSED, 0, Map.of())));
        for (Point p; (p = points.poll()) != null; ) {
            recorded.add(p);
        }
        write(recorded, Discarding::new);
    }

    /** The Lambda environment with a sink that serializes each line, as the console sink does, and drops it. */
    private static final class Discarding extends LambdaEnvironment {
        @Override
        public ISink getSink() {
            return new ISink() {
                @Override
                public void accept(MetricsContext context) {
                    try {
                        context.serialize();
                    } catch (Exception e) {
                        // Nothing is written either way.
                    }
                }

                @Override
                public CompletableFuture<Void> shutdown() {
                    return CompletableFuture.completedFuture(null);
                }
            };
        }
    }

    private void write(List<Point> recorded, Supplier<Environment> environment) {
        Map<Map<String, String>, List<Point>> byDimensions = new LinkedHashMap<>();
        for (Point p : recorded) {
            byDimensions.computeIfAbsent(p.dimensions(), d -> new ArrayList<>()).add(p);
        }
        byDimensions.forEach((dimensions, group) -> {
            MetricsLogger line = new MetricsLogger(environment.get());
            line.setNamespace(namespace);
            DimensionSet split = new DimensionSet();
            dimensions.forEach(split::addDimension);
            if (dimensions.isEmpty()) {
                line.setDimensions(new DimensionSet());
            } else {
                line.setDimensions(new DimensionSet(), split);
            }
            for (Point p : group) {
                line.putMetric(p.metric().metricName(), p.value(), unit(p.metric().unit()));
            }
            line.flush();
        });
    }

    private static Unit unit(Metric.Unit unit) {
        return switch (unit) {
            case COUNT -> Unit.COUNT;
            case MILLISECONDS -> Unit.MILLISECONDS;
            case SECONDS -> Unit.SECONDS;
        };
    }
}
