package io.wanvideo.gateway.metrics;

/**
 * Every metric the gateway emits (README, "Metrics"), with its unit and the dimension its detailed series is split
 * by (none: only the total). Each data point is recorded twice: in the total, without dimensions, which the alarms of
 * template.yaml watch, and split by its dimensions. TemplateTest checks that every alarm names one of these.
 */
public enum Metric {
    TASKS_SUBMITTED("TasksSubmitted", Unit.COUNT, "Model"),
    TASKS_COMPLETED("TasksCompleted", Unit.COUNT, "Model"),
    TASKS_FAILED("TasksFailed", Unit.COUNT, "Code"),
    /** From submission to a slot taken. */
    QUEUE_WAIT("QueueWait", Unit.MILLISECONDS, "Pool"),
    /** Calls to the upstream by kind (create, query, cancel, probe) and outcome (ok, or the failure's kind). */
    UPSTREAM_CALLS("UpstreamCalls", Unit.COUNT, "Kind", "Outcome"),
    UPSTREAM_THROTTLED("UpstreamThrottled", Unit.COUNT, "Kind"),
    /** The upstream refused an account's key: the account is paused. */
    UPSTREAM_KEY_REFUSED("UpstreamKeyRefused", Unit.COUNT, "Account"),
    ACCOUNT_PROBES("AccountProbes", Unit.COUNT, "Outcome"),
    /** Gauges, each sweep: upstream slots taken per account and pool, tasks waiting and the oldest's age per pool. */
    SLOTS_IN_USE("SlotsInUse", Unit.COUNT, "Account", "Pool"),
    BACKLOG_DEPTH("BacklogDepth", Unit.COUNT, "Pool"),
    OLDEST_BACKLOG_AGE("OldestBacklogAge", Unit.SECONDS, "Pool"),
    ACCOUNTS_PAUSED("AccountsPaused", Unit.COUNT),
    RESULT_COPIES("ResultCopies", Unit.COUNT, "Outcome"),
    WEBHOOK_DELIVERIES("WebhookDeliveries", Unit.COUNT, "Outcome"),
    /** Poll-queue messages the poller reported as failed (SQS retries them, then dead-letters them). */
    POLLER_MESSAGES_FAILED("PollerMessagesFailed", Unit.COUNT),
    DEAD_LETTERS("DeadLetters", Unit.COUNT),
    /**
     * An account's completion watcher stood aside (README, "Completion watcher"): its listing answered in a shape not
     * understood, or kept failing, or kept leaving out running tasks; its tasks are polled on the normal plan meanwhile.
     */
    COMPLETION_WATCHER_OFF("CompletionWatcherOff", Unit.COUNT, "Account", "Reason"),
    /**
     * A completion event the upstream pushed (README, "Completion events"), by what became of it: {@code queued} (it
     * names an ended task) or {@code not_ended} when received; {@code asked} (its task, running, was queried) or
     * {@code not_running} (a duplicate, or not a task of ours: no query) when the poller took it up.
     */
    COMPLETION_EVENTS("CompletionEvents", Unit.COUNT, "Account", "Outcome"),
    /**
     * A pushed completion event refused at the door, by why: {@code token} (absent or wrong), {@code account} (no such
     * account takes events), {@code unreadable} (not an event its provider sends). Not split by account: the path's
     * account is whatever the sender wrote, and a dimension of the sender's choosing would be a series per guess.
     */
    COMPLETION_EVENTS_REFUSED("CompletionEventsRefused", Unit.COUNT, "Reason");

    public enum Unit {
        COUNT, MILLISECONDS, SECONDS
    }

    private final String metricName;
    private final Unit unit;
    private final java.util.List<String> dimensions;

    Metric(String metricName, Unit unit, String... dimensions) {
        this.metricName = metricName;
        this.unit = unit;
        this.dimensions = java.util.List.of(dimensions);
    }

    /** The name in CloudWatch. */
    public String metricName() {
        return metricName;
    }

    public Unit unit() {
        return unit;
    }

    public java.util.List<String> dimensions() {
        return dimensions;
    }
}
