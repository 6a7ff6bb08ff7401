package io.wanvideo.gateway.service;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The steps that follow a task's end, each run from its own message with its own retries. */
public interface AfterCompletion {
    /** No storage and no webhooks configured. */
    AfterCompletion NONE = new AfterCompletion() {
        private final Logger log = LogManager.getLogger(AfterCompletion.class);

        @Override
        public boolean copiesResults() {
            return false;
        }

        @Override
        public void run(String taskId, String step) {
            log.warn("task {}: no {} step is configured here; dropped", taskId, step);
        }

        @Override
        public void abandon(String taskId, String step, String reason) {}
    };

    /** Whether completed videos are copied into the gateway's storage. */
    boolean copiesResults();

    /** Runs one step ({@link TaskFinisher#COPY_RESULT}, {@link TaskFinisher#DELIVER_WEBHOOK}) of a finished task. */
    void run(String taskId, String step);

    /**
     * Gives a step up for good, recording it as failed with the reason: its message kept failing the poller (it was
     * dead-lettered), so running it again would only fail again, and the sweep would re-send it without end.
     */
    void abandon(String taskId, String step, String reason);
}
