package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.upstream.UpstreamException;
import java.util.Locale;

/** An upstream call that failed, counted by kind and outcome; a throttled one also as a throttle. */
final class UpstreamOutcomes {
    private UpstreamOutcomes() {}

    static void failed(String call, UpstreamException e) {
        Metrics.count(Metric.UPSTREAM_CALLS, call, e.kind().name().toLowerCase(Locale.ROOT));
        if (e.kind() == UpstreamException.Kind.THROTTLED) {
            Metrics.count(Metric.UPSTREAM_THROTTLED, call);
        }
    }
}
