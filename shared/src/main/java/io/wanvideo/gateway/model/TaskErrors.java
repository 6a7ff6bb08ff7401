package io.wanvideo.gateway.model;

/** The failure codes the gateway itself gives a task. */
public final class TaskErrors {
    /** Ran upstream longer than the configured timeout; the upstream id stays on the record. */
    public static final String TIMEOUT = "timeout";
    /** Cancelled upstream (CANCELED) or by the client. */
    public static final String CANCELLED = "cancelled";
    /** The upstream no longer knows the task (expired after 24 h, or vanished). */
    public static final String UPSTREAM_TASK_NOT_FOUND = "upstream_task_not_found";
    /** The upstream refused the create call with a permanent error. */
    public static final String UPSTREAM_REJECTED = "upstream_rejected";
    /**
     * The create call was sent but no answer came back (timeout, dropped connection, crash). The
     * upstream may or may not have accepted it; resubmitting could run and bill it twice, so we stop.
     */
    public static final String UPSTREAM_SUBMIT_UNCERTAIN = "upstream_submit_uncertain";
    /** Processing the task failed repeatedly and its message reached the dead-letter queue. */
    public static final String INTERNAL_ERROR = "internal_error";

    private TaskErrors() {}
}
