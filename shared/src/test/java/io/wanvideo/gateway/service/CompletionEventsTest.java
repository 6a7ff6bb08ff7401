package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.testing.GatewayHarness;
import io.wanvideo.gateway.upstream.UnreadableEventException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Completion events through the services, on DynamoDB Local, ElasticMQ and the simulator: an event for a running
 * task of ours costs one query and finishes the task; an event for anything else costs no query; the query, not the
 * event, decides what happens.
 */
class CompletionEventsTest {
    private static final String R2V = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"%s\",\"size\":\"720P\","
            + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";

    private GatewayHarness gateway;
    /** The CompletionEvents metric's outcomes, in order. */
    private final List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.BeforeEach
    void countEvents() {
        Metrics.install((metric, value, dimensions) -> {
            if (metric == Metric.COMPLETION_EVENTS) {
                outcomes.add(Metrics.dimensionsOf(metric, dimensions).get("Outcome"));
            }
        });
    }

    @AfterEach
    void stop() {
        Metrics.install(Metrics.NONE);
        if (gateway != null) {
            GatewayHarness.closeCheckingCounters(gateway);
        }
    }

    /** A task created upstream and recorded RUNNING; its polls are left on the queue, never run. */
    private VideoTask running(String prompt) throws Exception {
        String id = gateway.submit("tenant-a", String.format(R2V, prompt));
        gateway.pumpUntil(() -> gateway.task(id).state() == TaskState.RUNNING, Duration.ofSeconds(30));
        return gateway.task(id);
    }

    private long queriesOf(String upstreamId) {
        return gateway.sim.calls().stream().filter(c -> "query".equals(c.get("call")) && upstreamId.equals(c.get("task_id")))
                .count();
    }

    private long queries() {
        return gateway.sim.calls().stream().filter(c -> "query".equals(c.get("call"))).count();
    }

    /** Waits until the simulator has the task ended (its clock, not the gateway's). */
    private void endedUpstream(VideoTask task) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (gateway.sim.tasks().stream().noneMatch(t -> task.upstreamId().equals(t.get("task_id"))
                && ((Number) t.get("end_ms")).longValue() < System.currentTimeMillis())) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void anEventForARunningTaskOfOursFinishesItWithOneQuery() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 60, 60), GatewayHarness.quickSettings(), 5);
        VideoTask task = running("short sim:run=1");
        endedUpstream(task);
        long before = queriesOf(task.upstreamId());

        gateway.poller.handle(TaskMessage.event("default", task.upstreamId()));

        VideoTask done = gateway.task(task.id());
        assertThat(done.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(done.videoUrl()).isNotNull();
        assertThat(queriesOf(task.upstreamId()) - before).isEqualTo(1);
        // Delivered again (EventBridge retries; SQS may deliver twice): the task has ended, nothing is asked.
        gateway.poller.handle(TaskMessage.event("default", task.upstreamId()));
        assertThat(queriesOf(task.upstreamId()) - before).isEqualTo(1);
        assertThat(outcomes).containsExactly("asked", "not_running");
    }

    @Test
    void theQueryDecidesAnEventForATaskStillRunningLeavesItRunning() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 60, 60), GatewayHarness.quickSettings(), 5);
        VideoTask task = running("a long one");
        long before = queriesOf(task.upstreamId());

        gateway.poller.handle(TaskMessage.event("default", task.upstreamId()));

        assertThat(queriesOf(task.upstreamId()) - before).isEqualTo(1);
        VideoTask after = gateway.task(task.id());
        assertThat(after.state()).isEqualTo(TaskState.RUNNING);
        assertThat(after.version()).isGreaterThan(task.version());
    }

    @Test
    void anEventForATaskThatIsNotOneOfOursRunningCostsNoQuery() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 60, 60), GatewayHarness.quickSettings(), 5);
        VideoTask task = running("ours");
        long before = queries();

        gateway.poller.handle(TaskMessage.event("default", "someone-elses-task"));
        gateway.poller.handle(TaskMessage.event("elsewhere", task.upstreamId()));
        gateway.poller.handle(TaskMessage.event("default", null));

        assertThat(queries()).isEqualTo(before);
        assertThat(gateway.task(task.id())).isEqualTo(task);
        assertThat(outcomes).containsExactly("not_running", "not_running");
    }

    @Test
    void receivingQueuesAnEndedTaskForThePollerAndRefusesWhatItCannotRead() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 60, 60), GatewayHarness.quickSettings(), 5);
        CompletionEvents receiving = CompletionEvents.receiving(gateway.upstreams, gateway.queue);

        assertThat(receiving.receive("default", Json.tree("{\"data\":{\"task_id\":\"t-1\",\"task_status\":\"FAILED\"}}")))
                .contains("t-1");
        assertThat(receiving.receive("default", Json.tree("{\"data\":{\"task_id\":\"t-2\",\"task_status\":\"PENDING\"}}")))
                .isEmpty();
        assertThatThrownBy(() -> receiving.receive("elsewhere", Json.tree("{\"data\":{\"task_id\":\"t-3\"}}")))
                .isInstanceOf(UnknownAccountException.class);
        assertThatThrownBy(() -> receiving.receive("default", Json.tree("{\"data\":{}}")))
                .isInstanceOf(UnreadableEventException.class);

        List<Message> messages = gateway.aws.sqs().receiveMessage(r -> r.queueUrl(gateway.queues.pollQueueUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(messages).extracting(m -> Json.read(m.body(), TaskMessage.class))
                .containsExactly(TaskMessage.event("default", "t-1"));
        assertThat(outcomes).containsExactly("queued", "not_ended");
    }
}
