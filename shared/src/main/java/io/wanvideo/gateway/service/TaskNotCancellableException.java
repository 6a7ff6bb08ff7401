package io.wanvideo.gateway.service;

/** A delete of a task that has started upstream: the upstream cannot cancel it any more. */
public final class TaskNotCancellableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskNotCancellableException(String message) {
        super(message, null, false, false);
    }
}
