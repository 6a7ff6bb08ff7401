package io.wanvideo.gateway.service;

import java.time.Duration;

/**
 * The upstream's limits and the poller's patience.
 *
 * @param slotsPerPool         upstream tasks allowed to run at once per model (DashScope: 5)
 * @param createsPerSecond     create calls per second per model (DashScope: 5)
 * @param queriesPerSecond     task queries per second for the whole account (DashScope: 20)
 * @param taskTimeout          a task running upstream longer than this fails with `timeout`
 * @param orphanGrace          a slot-holding task whose message is this late is re-enqueued by the sweep
 * @param createTimeout        how long a create call may take; after that its outcome is unknown
 * @param maxTransientAttempts create calls failing with 408/5xx before the task fails (429s never count)
 * @param videoUrlLifetime     how long upstream result URLs stay valid (DashScope: 24 h)
 */
public record PollerSettings(
        int slotsPerPool,
        double createsPerSecond,
        double queriesPerSecond,
        Duration taskTimeout,
        Duration orphanGrace,
        Duration createTimeout,
        int maxTransientAttempts,
        Duration videoUrlLifetime) {

    public static final PollerSettings DEFAULT = new PollerSettings(5, 5, 20, Duration.ofMinutes(60),
            Duration.ofMinutes(2), Duration.ofSeconds(30), 8, Duration.ofHours(24));

    /**
     * Spacing between calls, 5% wider than the rate: requests spaced exactly at the limit can arrive a
     * hair closer together than they left.
     */
    long createIntervalMs() {
        return (long) Math.ceil(1000 * 1.05 / createsPerSecond);
    }

    long queryIntervalMs() {
        return (long) Math.ceil(1000 * 1.05 / queriesPerSecond);
    }
}
