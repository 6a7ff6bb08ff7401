package io.wanvideo.gateway.store;

/** The stored task is no longer the version a change was derived from: someone else moved it first. */
public final class StaleTaskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StaleTaskException(String taskId) {
        super("task " + taskId + " changed underneath this write", null, false, false);
    }
}
