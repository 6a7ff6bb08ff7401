package io.wanvideo.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, locally: a few pollers long-poll the queue, hand each batch to the
 * function as an {@link SQSEvent}, delete what succeeded and make the reported failures visible again,
 * where their receive count climbs toward the queue's dead-letter redrive. Message delays are the
 * queue's own (ElasticMQ honours DelaySeconds).
 */
final class SqsEventSource implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SqsEventSource.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestHandler<SQSEvent, SQSBatchResponse> function;
    private final int batchSize;
    private final Duration retryFailedAfter;
    private final boolean duplicateDeliveries;
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean running = true;

    SqsEventSource(SqsClient sqs, String queueUrl, String queueArn, RequestHandler<SQSEvent, SQSBatchResponse> function,
            int concurrency, int batchSize, Duration retryFailedAfter, boolean duplicateDeliveries) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.function = function;
        this.batchSize = batchSize;
        this.retryFailedAfter = retryFailedAfter;
        this.duplicateDeliveries = duplicateDeliveries;
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(this::poll, "sqs-event-source-" + i);
            t.setDaemon(true);
            pollers.add(t);
        }
    }

    void start() {
        pollers.forEach(Thread::start);
    }

    private void poll() {
        while (running) {
            List<Message> messages;
            try {
                messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize).waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("receive from {} failed: {}", queueUrl, e.toString());
                    sleep(1000);
                }
                continue;
            }
            if (!messages.isEmpty() && running) {
                deliver(messages);
            }
        }
    }

    private void deliver(List<Message> messages) {
        SQSEvent event = event(messages);
        Set<String> failed;
        try {
            if (duplicateDeliveries) {
                // SQS delivers at least once: hand the same batch to two invocations at the same moment.
                CompletableFuture<SQSBatchResponse> twin = CompletableFuture.supplyAsync(() ->
                        function.handleRequest(event(messages), new LocalLambdaContext("PollerFunction")));
                SQSBatchResponse first = function.handleRequest(event, new LocalLambdaContext("PollerFunction"));
                SQSBatchResponse second = twin.join();
                failed = failures(first);
                failed.addAll(failures(second));
            } else {
                failed = failures(function.handleRequest(event, new LocalLambdaContext("PollerFunction")));
            }
        } catch (RuntimeException e) {
            // An invocation that throws fails its whole batch.
            LOG.error("poller invocation failed; the whole batch will be retried", e);
            failed = messages.stream().map(Message::messageId).collect(Collectors.toSet());
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (failed.contains(m.messageId())) {
                try {
                    sqs.changeMessageVisibility(c -> c.queueUrl(queueUrl).receiptHandle(m.receiptHandle())
                            .visibilityTimeout((int) retryFailedAfter.toSeconds()));
                } catch (RuntimeException e) {
                    LOG.warn("could not reschedule failed message {}: {}", m.messageId(), e.toString());
                }
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            try {
                sqs.deleteMessageBatch(d -> d.queueUrl(queueUrl).entries(done));
            } catch (RuntimeException e) {
                LOG.warn("could not delete handled messages: {}", e.toString());
            }
        }
    }

    private static Set<String> failures(SQSBatchResponse response) {
        Set<String> ids = new java.util.HashSet<>();
        if (response != null && response.getBatchItemFailures() != null) {
            response.getBatchItemFailures().forEach(f -> ids.add(f.getItemIdentifier()));
        }
        return ids;
    }

    private SQSEvent event(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion("us-east-1");
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopReceiving() {
        running = false;
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : pollers) {
            try {
                t.join(2500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
