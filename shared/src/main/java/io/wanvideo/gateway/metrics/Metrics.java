package io.wanvideo.gateway.metrics;

import java.util.Map;

/** Counts of events an operator alarms on, by name and dimensions (account, reason). */
public interface Metrics {
    Metrics NONE = (name, dimensions) -> {};

    void count(String name, Map<String, String> dimensions);
}
