package io.wanvideo.gateway.queue;

/** The poll queue. */
public interface TaskQueue {
    /** SQS takes delays of 0..900 seconds; longer ones are cut to 900 and the receiver waits again. */
    int MAX_DELAY_SECONDS = 900;

    void send(TaskMessage message, int delaySeconds);
}
