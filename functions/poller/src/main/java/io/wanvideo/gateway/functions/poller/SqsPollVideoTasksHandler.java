package io.wanvideo.gateway.functions.poller;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.config.SecretReader;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.metrics.EmbeddedMetrics;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.service.AfterCompletion;
import io.wanvideo.gateway.service.CompletionWatcher;
import io.wanvideo.gateway.service.InputLinks;
import io.wanvideo.gateway.service.Poller;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The poll queue's consumer (and its dead-letter queue's). Messages of a batch are independent and handled
 * in parallel; a message that fails is reported as a batch item failure, never by failing the batch, so SQS
 * retries only that one and moves it to the dead-letter queue once it keeps failing.
 */
public final class SqsPollVideoTasksHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LogManager.getLogger(SqsPollVideoTasksHandler.class);

    private final Poller poller;
    private final String deadLetterQueueArn;
    private final ExecutorService workers;

    /** Lambda's constructor: clients are built once, here, during init. */
    public SqsPollVideoTasksHandler() {
        this(Env.system());
    }

    public SqsPollVideoTasksHandler(Env env) {
        GatewayTable table = GatewayTable.connect(env, Clock.systemUTC());
        this.poller = new Poller(new Poller.Parts(table.tasks(),
                new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL")),
                GatewaySettings.upstreams(env, new SecretReader(env), table.clock()), table.rateGate(), table.accountStates(),
                GatewaySettings.generationTimes(env), new PollPlanner(), GatewaySettings.poller(env),
                GatewaySettings.prices(env), InputLinks.NONE, AfterCompletion.NONE, table.clock()),
                new CompletionWatcher.Setup(table.watchLeases(), GatewaySettings.watcher(env), EmbeddedMetrics.toStandardOutput()));
        this.deadLetterQueueArn = env.required("DEAD_LETTER_QUEUE_ARN");
        this.workers = Executors.newFixedThreadPool(10, r -> {
            Thread t = new Thread(r, "poller-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<Future<?>> results = new ArrayList<>();
        for (SQSEvent.SQSMessage record : records) {
            results.add(workers.submit(() -> handle(record)));
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            try {
                results.get(i).get();
            } catch (Exception e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                LOG.error("message {} failed; SQS will retry it", records.get(i).getMessageId(), cause);
                failures.add(new SQSBatchResponse.BatchItemFailure(records.get(i).getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private Void handle(SQSEvent.SQSMessage record) {
        boolean deadLetter = deadLetterQueueArn.equals(record.getEventSourceArn());
        TaskMessage message;
        try {
            message = Json.read(record.getBody(), TaskMessage.class);
        } catch (RuntimeException e) {
            if (deadLetter) {
                // Nothing can ever read it; keeping it would only repeat this line.
                LOG.error("unreadable dead letter {} dropped: {}", record.getMessageId(), record.getBody());
                return null;
            }
            throw e;
        }
        if (deadLetter) {
            poller.handleDeadLetter(message);
        } else {
            poller.handle(message);
        }
        return null;
    }
}
