package io.wanvideo.gateway.metrics.emf;

import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
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
        Map<Map<String, String>, List<Point>> byDimensions = new LinkedHashMap<>();
        for (Point p; (p = points.poll()) != null; ) {
            byDimensions.computeIfAbsent(p.dimensions(), d -> new ArrayList<>()).add(p);
        }
        byDimensions.forEach((dimensions, group) -> {
            MetricsLogger line = new MetricsLogger(new LambdaEnvironment());
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
