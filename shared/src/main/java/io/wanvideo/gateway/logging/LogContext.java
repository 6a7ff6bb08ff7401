package io.wanvideo.gateway.logging;

import org.apache.logging.log4j.ThreadContext;

/**
 * The keys every log line carries when they are known, kept in Log4j's thread context (SLF4J's MDC is the same
 * map): the invocation's request id, set by the handler on its own thread and on each worker thread it hands work
 * to, and the task id, set where a task is being worked on.
 */
public final class LogContext {
    public static final String REQUEST_ID = "request_id";
    public static final String TASK_ID = "task_id";
    public static final String REHEARSAL = "rehearsal";

    private LogContext() {}

    /** Starts an invocation on this thread: its request id, and no task id left over from the previous one. */
    public static void invocation(String requestId) {
        ThreadContext.clearMap();
        if (requestId != null) {
            ThreadContext.put(REQUEST_ID, requestId);
        }
    }

    public static void task(String taskId) {
        if (taskId == null) {
            ThreadContext.remove(TASK_ID);
        } else {
            ThreadContext.put(TASK_ID, taskId);
        }
    }

    /**
     * Runs priming's rehearsal of real work before a snapshot (README, "Cold start"): a poll of a task that does not
     * exist, say, whose "task ... completed" would read as news. Its lines below WARN are dropped; those at WARN and
     * above carry {@code rehearsal: true}.
     */
    public static void rehearsal(Runnable work) {
        boolean outer = inRehearsal();
        ThreadContext.put(REHEARSAL, "true");
        try {
            work.run();
        } finally {
            if (!outer) {
                ThreadContext.remove(REHEARSAL);
            }
        }
    }

    static boolean inRehearsal() {
        return ThreadContext.containsKey(REHEARSAL);
    }

    public static String requestId() {
        return ThreadContext.get(REQUEST_ID);
    }
}
