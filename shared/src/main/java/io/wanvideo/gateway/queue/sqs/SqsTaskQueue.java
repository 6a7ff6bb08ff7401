package io.wanvideo.gateway.queue.sqs;

import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link TaskQueue} on an SQS queue. */
public final class SqsTaskQueue implements TaskQueue {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsTaskQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(TaskMessage message, int delaySeconds) {
        int delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, delaySeconds));
        sqs.sendMessage(s -> s.queueUrl(queueUrl).messageBody(Json.write(message)).delaySeconds(delay));
    }
}
