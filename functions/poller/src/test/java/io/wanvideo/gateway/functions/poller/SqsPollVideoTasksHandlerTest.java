package io.wanvideo.gateway.functions.poller;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqsPollVideoTasksHandlerTest {
    private final LocalAws aws = LocalAws.get();
    private final DashScopeSimulator sim = DashScopeSimulator.start(SimulatorSettings.defaults().withTiming(0, 1, 1));
    private DynamoTaskStore store;
    private LocalAws.Queues queues;
    private SqsPollVideoTasksHandler handler;
    private SQSEvent sample;
    private String id;

    @BeforeEach
    void setUp() {
        String table = aws.newTable();
        queues = aws.newQueues(3, 30);
        store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        handler = new SqsPollVideoTasksHandler(new Env(aws.environment(table, queues,
                Map.of("DASHSCOPE_BASE_URL", sim.baseUrl(), "DASHSCOPE_API_KEY", "sk-local", "EXPECTED_GENERATION_SECONDS", "1"))));
        sample = EventLoader.loadSQSEvent(Repository.path("events/poller-batch.json"));
        id = Json.read(sample.getRecords().get(0).getBody(), TaskMessage.class).taskId();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private VideoTask task() {
        return store.find(id).orElseThrow();
    }

    @Test
    void theSampleBatchStartsItsTaskAndSweeps() {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), System.currentTimeMillis()), Admission.UNLIMITED);
        SQSBatchResponse response = handler.handleRequest(sample, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(task().state()).isEqualTo(TaskState.DISPATCHING);
        // The dispatch message is on the queue; delivering it creates the upstream task.
        var messages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        assertThat(messages).hasSize(1);
        handler.handleRequest(batch(messages.get(0).body(), "arn:aws:sqs:us-east-1:000000000000:poll"), null);
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);
        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    @Test
    void anUnreadableMessageIsABatchItemFailureAndTheRestSucceed() {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), System.currentTimeMillis()), Admission.UNLIMITED);
        SQSEvent event = EventLoader.loadSQSEvent(Repository.path("events/poller-batch.json"));
        SQSEvent.SQSMessage broken = batch("{not json", "arn:aws:sqs:us-east-1:000000000000:poll").getRecords().get(0);
        broken.setMessageId("broken-1");
        event.setRecords(List.of(event.getRecords().get(0), broken, event.getRecords().get(1)));
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("broken-1");
        assertThat(task().state()).isEqualTo(TaskState.DISPATCHING);
    }

    @Test
    void aDeadLetterFailsItsTask() {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), System.currentTimeMillis()), Admission.UNLIMITED);
        String body = sample.getRecords().get(0).getBody();
        SQSBatchResponse response = handler.handleRequest(batch(body, queues.deadLetterQueueArn()), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(task().state()).isEqualTo(TaskState.FAILED);
        assertThat(task().error().code()).isEqualTo(TaskErrors.INTERNAL_ERROR);
        // An unreadable dead letter is dropped, not failed forever.
        assertThat(handler.handleRequest(batch("garbage", queues.deadLetterQueueArn()), null).getBatchItemFailures()).isEmpty();
    }

    @Test
    void aPollerLineFromAWorkerThreadCarriesTheRequestIdAndTheTaskId() throws Exception {
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), System.currentTimeMillis()), Admission.UNLIMITED);
        List<LogEvent> lines = new CopyOnWriteArrayList<>();
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Configuration config = logging.getConfiguration();
        AbstractAppender capture = new AbstractAppender("captured", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.toImmutable());
            }
        };
        capture.start();
        LoggerConfig gateway = new LoggerConfig("io.wanvideo", Level.INFO, false);
        gateway.addAppender(capture, Level.INFO, null);
        config.addLogger("io.wanvideo", gateway);
        logging.updateLoggers();
        SQSEvent.SQSMessage dispatch;
        try {
            handler.handleRequest(sample, context("req-1"));
            var messages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages();
            // The same worker threads, next invocation, no request id: nothing of the first one is left behind.
            handler.handleRequest(batch(messages.get(0).body(), "arn:aws:sqs:us-east-1:000000000000:poll"), null);
        } finally {
            config.removeLogger("io.wanvideo");
            logging.updateLoggers();
            capture.stop();
        }
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);

        LogEvent slotTaken = lines.stream().filter(e -> e.getMessage().getFormattedMessage().contains("took a")).findFirst()
                .orElseThrow();
        assertThat(slotTaken.getThreadName()).isEqualTo("poller-worker");
        assertThat(slotTaken.getContextData().toMap()).containsEntry("AWSRequestId", "req-1").containsEntry("taskId", id);
        // Lambda's JSON lines (log4j2.xml: LambdaLayout.json) show both as fields.
        JsonTemplateLayout json = JsonTemplateLayout.newBuilder().setConfiguration(config)
                .setEventTemplateUri("classpath:LambdaLayout.json").build();
        var line = Json.tree(json.toSerializable(slotTaken));
        assertThat(line.get("AWSRequestId").asText()).isEqualTo("req-1");
        assertThat(line.get("taskId").asText()).isEqualTo(id);

        LogEvent created = lines.stream().filter(e -> e.getMessage().getFormattedMessage().contains("created upstream"))
                .findFirst().orElseThrow();
        assertThat(created.getThreadName()).isEqualTo("poller-worker");
        assertThat(created.getContextData().toMap()).containsEntry("taskId", id).doesNotContainKey("AWSRequestId");
    }

    /** What Lambda hands the function, reduced to the request id. */
    private static Context context(String requestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? requestId : null);
    }

    private static SQSEvent batch(String body, String sourceArn) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("m-" + System.nanoTime());
        message.setBody(body);
        message.setEventSourceArn(sourceArn);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }
}
