package io.wanvideo.gateway.model;

/** The failure codes the gateway itself gives a task (an upstream's own codes pass through as they are). */
public final class TaskErrors {
    /** Ran upstream longer than the configured timeout; the upstream id stays on the record. */
    public static final String TIMEOUT = "timeout";
    /** Waited in the backlog longer than the configured limit; nothing was sent upstream. */
    public static final String QUEUE_TIMEOUT = "queue_timeout";
    /** Cancelled upstream or by the client. */
    public static final String CANCELLED = "cancelled";
    /** The upstream no longer knows the task (expired after 24 h, or vanished). */
    public static final String UPSTREAM_TASK_NOT_FOUND = "upstream_task_not_found";
    /** The upstream refused the create call with a permanent error. */
    public static final String UPSTREAM_REJECTED = "upstream_rejected";
    /** The upstream kept failing or throttling the create call until its deadline; nothing was created. */
    public static final String UPSTREAM_UNAVAILABLE = "upstream_unavailable";
    /** The upstream ended the task as failed without saying why. */
    public static final String UPSTREAM_FAILED = "upstream_failed";
    /** The upstream reported success without a result. */
    public static final String UPSTREAM_MISSING_RESULT = "upstream_missing_result";
    /**
     * The create call was sent but no answer came back (timeout, dropped connection, crash). The
     * upstream may or may not have accepted it; resubmitting could run and bill it twice, so we stop.
     */
    public static final String UPSTREAM_SUBMIT_UNCERTAIN = "upstream_submit_uncertain";
    /** Processing the task failed repeatedly and its message reached the dead-letter queue. */
    public static final String INTERNAL_ERROR = "internal_error";

    private TaskErrors() {}
}
