package io.wanvideo.gateway.functions.poller;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.wanvideo.dashscope.simulator.DashScopeSimulator;
import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskErrors;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import io.wanvideo.gateway.testing.Specs;
import io.wanvideo.gateway.upstream.AccountLimits;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqsPollVideoTasksHandlerTest {
    private final LocalAws aws = LocalAws.get();
    private final DashScopeSimulator sim = DashScopeSimulator.start(SimulatorSettings.defaults().withTiming(0, 1, 1));
    private String table;
    private DynamoTaskStore store;
    private LocalAws.Queues queues;
    private SqsPollVideoTasksHandler handler;
    private SQSEvent sample;
    private String id;

    @BeforeEach
    void setUp() {
        table = aws.newTable();
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

    /** The sample's task, queued now, and a task of another pool queued 25 hours ago (past QUEUE_TIMEOUT_HOURS). */
    private String queueSampleTaskAndAStaleOne() {
        long now = System.currentTimeMillis();
        store.create(VideoTask.queued(id, "tenant-example", Specs.r2v("a cat"), now), Admission.UNLIMITED);
        String stale = "video_01kaexamp1e000000000000st1";
        store.create(VideoTask.queued(stale, "tenant-other", Specs.i2v("a dog"), now - Duration.ofHours(25).toMillis()),
                Admission.UNLIMITED);
        return stale;
    }

    private VideoTask task() {
        return store.find(id).orElseThrow();
    }

    /**
     * The sample batch holds an advance message for its task and a sweep. The advance starts the task and, having
     * taken its slot on arrival, creates it upstream there and then; the sweep ends
     * a task of another pool that has waited in the backlog past QUEUE_TIMEOUT_HOURS (24 by default), which only the
     * sweep looks for, so the batch's two messages are both seen to work whatever order they run in.
     */
    @Test
    void theSampleBatchStartsItsTaskAndTheSweepExpiresAStaleOne() {
        String stale = queueSampleTaskAndAStaleOne();
        SQSBatchResponse response = handler.handleRequest(sample, null);
        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);
        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(1);
        VideoTask expired = store.find(stale).orElseThrow();
        assertThat(expired.state()).isEqualTo(TaskState.FAILED);
        assertThat(expired.error().code()).isEqualTo(TaskErrors.QUEUE_TIMEOUT);
        // The claim's dispatch message is on the queue all the same, a second late (it is the durable trigger, and the
        // create was made at once); delivering it finds the task created: no second create.
        List<software.amazon.awssdk.services.sqs.model.Message> dispatch = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (dispatch.isEmpty() && System.nanoTime() < deadline) {
            aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(2))
                    .messages().stream().filter(m -> id.equals(Json.read(m.body(), TaskMessage.class).taskId()))
                    .forEach(dispatch::add);
        }
        assertThat(dispatch).hasSizeGreaterThanOrEqualTo(1);
        for (var message : dispatch) {
            handler.handleRequest(batch(message.body(), "arn:aws:sqs:us-east-1:000000000000:poll"), null);
        }
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);
        assertThat(sim.stats().get("create_calls").asInt()).isEqualTo(1);
    }

    /**
     * Priming before a SnapStart snapshot (README, "Cold start") runs the sweep with every AWS call answered on the
     * spot. Over a table where the sample batch starts a task (creating it upstream) and expires another, priming
     * twice changes no item, sends no message and calls no upstream; the batch run afterwards still does both.
     */
    @Test
    void primingWritesNothingSendsNothingAndCallsNoUpstream() {
        String stale = queueSampleTaskAndAStaleOne();
        var before = aws.dynamo().scan(s -> s.tableName(table)).items();

        handler.prime();
        handler.prime();

        assertThat(aws.dynamo().scan(s -> s.tableName(table)).items()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages()).isEmpty();
        assertThat(sim.stats().get("create_calls").asInt() + sim.stats().get("query_calls").asInt()
                + sim.stats().get("list_calls").asInt()).isZero();
        assertThat(handler.handleRequest(sample, null).getBatchItemFailures()).isEmpty();
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);
        assertThat(store.find(stale).orElseThrow().state()).isEqualTo(TaskState.FAILED);
    }

    /**
     * Priming reaches the poll itself, not only a message for a task that cannot exist: a task placed and read back
     * within a dry run is queried at the stand-in, running and then finished, each round, and the table, the queue
     * and the simulator see none of it.
     */
    @Test
    void primingPollsARunningTaskAndAFinishedOneAtTheStandInOnly() {
        var before = aws.dynamo().scan(s -> s.tableName(table)).items();
        var spec = Specs.r2v("priming");

        List<String> answered = handler.rehearsePolls(spec, 3);

        assertThat(answered).hasSize(6);
        assertThat(answered.subList(0, 2)).containsExactly("GET /api/v1/tasks/priming-running HTTP/1.1",
                "GET /api/v1/tasks/priming HTTP/1.1");
        assertThat(aws.dynamo().scan(s -> s.tableName(table)).items()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).waitTimeSeconds(1)).messages()).isEmpty();
        assertThat(sim.stats().get("query_calls").asInt()).isZero();
    }

    /**
     * The one-poll sample (the cold-start benchmark's other poller row): an advance of a task running upstream, due
     * now, at the version its message names. It is queried once and its next poll is planned and queued.
     */
    @Test
    void thePollSampleQueriesItsRunningTaskAndQueuesTheNextPoll() {
        SQSEvent poll = EventLoader.loadSQSEvent(Repository.path("events/poller-poll.json"));
        TaskMessage message = Json.read(poll.getRecords().get(0).getBody(), TaskMessage.class);
        long now = System.currentTimeMillis();
        VideoTask queued = VideoTask.queued(message.taskId(), "tenant-example", Specs.r2v("a cat"), now);
        store.create(queued, Admission.UNLIMITED);
        VideoTask dispatching = store.claim(queued, queued.next().state(TaskState.DISPATCHING).account("default")
                .dispatchedMs(now).dueMs(now).attempts(0).build(), 5, null);
        String upstreamId = DashScopeClient.withKey("default", new DashScopeClient.Settings(URI.create(sim.baseUrl()),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5)), AccountLimits.DASHSCOPE, "sk-local",
                Clock.systemUTC()).create(Specs.r2v("a cat sim:run=600"));
        VideoTask running = store.transition(dispatching, dispatching.next().state(TaskState.RUNNING).upstreamId(upstreamId)
                .submittedMs(now).runOriginMs(now).upstreamState(UpstreamState.RUNNING).dueMs(now).build());
        assertThat(running.version()).isEqualTo(message.version());

        assertThat(handler.handleRequest(poll, null).getBatchItemFailures()).isEmpty();

        VideoTask after = store.find(message.taskId()).orElseThrow();
        assertThat(sim.stats().get("query_calls").asInt()).isEqualTo(1);
        assertThat(after.state()).isEqualTo(TaskState.RUNNING);
        assertThat(after.version()).isGreaterThan(running.version());
        assertThat(after.dueMs()).isGreaterThan(now);
        var queuedMessages = aws.sqs().receiveMessage(r -> r.queueUrl(queues.pollQueueUrl()).maxNumberOfMessages(10)
                .waitTimeSeconds(0).visibilityTimeout(0)).messages();
        assertThat(queuedMessages.size() + aws.sqs().getQueueAttributes(g -> g.queueUrl(queues.pollQueueUrl())
                .attributeNamesWithStrings("ApproximateNumberOfMessagesDelayed")).attributesAsStrings()
                .get("ApproximateNumberOfMessagesDelayed").transform(Integer::parseInt)).isEqualTo(1);
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
        assertThat(task().state()).isEqualTo(TaskState.RUNNING);
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
