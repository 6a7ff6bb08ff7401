package io.wanvideo.gateway.model;

/**
 * Where a task is inside the gateway. Finer than the public status: the poller needs to know whether a
 * task holds an upstream slot and whether a create call may be in flight.
 */
public enum TaskState {
    /** Waiting in the FIFO backlog of its slot pool; nothing upstream yet. */
    QUEUED,
    /** Holds a slot; the create call has not been made. */
    DISPATCHING,
    /** Holds a slot; a create call began at submitStartedMs and its outcome is not recorded yet. */
    SUBMITTING,
    /** Holds a slot; the upstream accepted the task and it is being polled. */
    RUNNING,
    COMPLETED,
    FAILED;

    public boolean holdsSlot() {
        return this == DISPATCHING || this == SUBMITTING || this == RUNNING;
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED;
    }
}
