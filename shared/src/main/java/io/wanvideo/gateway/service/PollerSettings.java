package io.wanvideo.gateway.service;

import java.time.Duration;

/**
 * The poller's patience. Every state a task can wait in has a deadline here, enforced where the task is
 * handled and by the sweep, so no task waits forever (README, "Faults").
 *
 * @param taskTimeout          RUNNING: a task running upstream longer than this fails with `timeout`
 * @param queueTimeout         QUEUED: a task waiting in the backlog longer than this fails with `queue_timeout`
 * @param dispatchTimeout      DISPATCHING: a task whose create keeps being throttled or failing this long after it
 *                             took its slot fails with `upstream_unavailable` (nothing was created)
 * @param orphanGrace          a slot-holding task whose message is this late is re-enqueued by the sweep
 * @param createTimeout        SUBMITTING: how long a create call may take; after that its outcome is unknown
 * @param maxTransientAttempts create calls failing with 408/5xx before the task fails (429s never count)
 * @param videoUrlLifetime     how long upstream result URLs stay valid (DashScope: 24 h)
 * @param accountProbeEvery    how often a paused account is probed to see whether its key works again
 */
public record PollerSettings(
        Duration taskTimeout,
        Duration queueTimeout,
        Duration dispatchTimeout,
        Duration orphanGrace,
        Duration createTimeout,
        int maxTransientAttempts,
        Duration videoUrlLifetime,
        Duration accountProbeEvery) {

    public static final PollerSettings DEFAULT = new PollerSettings(Duration.ofMinutes(60), Duration.ofHours(24),
            Duration.ofMinutes(15), Duration.ofMinutes(2), Duration.ofSeconds(30), 8, Duration.ofHours(24),
            Duration.ofMinutes(1));
}
