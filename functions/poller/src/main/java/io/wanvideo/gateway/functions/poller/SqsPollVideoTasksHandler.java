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
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.config.WebhookSecretSources;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.service.AfterCompletionSteps;
import io.wanvideo.gateway.service.InputLinks;
import io.wanvideo.gateway.service.MediaStorage;
import io.wanvideo.gateway.service.Poller;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.TaskObjects;
import io.wanvideo.gateway.service.VideoViews;
import io.wanvideo.gateway.webhook.WebhookSender;
import io.wanvideo.gateway.webhook.WebhookTargets;
import java.util.Optional;
import java.util.function.Supplier;
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
        TaskQueue queue = new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL"));
        SecretReader secrets = new SecretReader(env);
        GenerationTimeModel times = GatewaySettings.generationTimes(env);
        Optional<MediaStorage> media = GatewaySettings.mediaStorage(env);
        VideoViews views = new VideoViews(times, media.<ResultLinks>map(m -> m).orElse(ResultLinks.NONE),
                GatewaySettings.resultRetention(env), table.clock());
        WebhookTargets targets = GatewaySettings.webhookTargets(env);
        // Jetty's client is built on the first delivery: a poller that never delivers never loads it.
        Supplier<WebhookSender> sender = memoized(() -> new WebhookSender(targets));
        AfterCompletionSteps afterCompletion = new AfterCompletionSteps(table.tasks(), queue,
                GatewaySettings.copyResults(env) ? media.map(MediaStorage::store).orElse(null) : null,
                WebhookSecretSources.from(env, secrets, table.clock()), (url, event) -> sender.get().deliver(url, event),
                views, new AfterCompletionSteps.Schedules(AfterCompletionSteps.Schedules.DEFAULT.copyRetries(),
                        AfterCompletionSteps.Schedules.DEFAULT.copyLimit(), GatewaySettings.webhookRetries(env)),
                table.clock());
        this.poller = new Poller(new Poller.Parts(table.tasks(), queue,
                GatewaySettings.upstreams(env, secrets, table.clock()), table.rateGate(), table.accountStates(), times,
                new PollPlanner(), GatewaySettings.poller(env), GatewaySettings.prices(env),
                media.<InputLinks>map(m -> m).orElse(InputLinks.NONE), media.<TaskObjects>map(m -> m).orElse(TaskObjects.NONE),
                afterCompletion, table.clock()));
        this.deadLetterQueueArn = env.required("DEAD_LETTER_QUEUE_ARN");
        this.workers = Executors.newFixedThreadPool(10, r -> {
            Thread t = new Thread(r, "poller-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static <T> Supplier<T> memoized(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
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
