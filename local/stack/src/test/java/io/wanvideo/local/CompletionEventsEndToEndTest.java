package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * COMPLETION_EVENTS on the local stack (README, "Completion events"): the simulator pushes each task's completion
 * event to POST /upstream-events/{account} as Alibaba EventBridge would, and the gateway records the task's end
 * within moments of it, with one query (for the result), while the listing, now only their fallback, waits seconds.
 * With the events' token wrong, nothing gets in and the listing still finishes the task, later.
 */
class CompletionEventsEndToEndTest {
    private static final SimulatorSettings SIM = SimulatorSettings.defaults().withTiming(0, 3, 3);
    private final HttpClient http = HttpClient.newHttpClient();

    private String submit(LocalGateway on, String prompt) throws Exception {
        String body = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(on.url().resolve("/v1/videos"))
                .header("Authorization", "Bearer " + LocalOptions.DEVELOPMENT_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body()).get("id").asText();
    }

    private static VideoTask ended(LocalGateway on, String id) throws InterruptedException {
        DynamoTaskStore store = new DynamoTaskStore(on.dynamo(), on.functionEnvironment().get("TABLE_NAME"), Duration.ofDays(1));
        long deadline = System.currentTimeMillis() + 60_000; // a deadline, not a measure
        while (System.currentTimeMillis() < deadline) {
            VideoTask task = store.find(id).orElseThrow();
            if (task.state().terminal()) {
                return task;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + id + " did not end");
    }

    /** From the simulator's end of the task to the gateway's record of it, in ms. */
    private static long noticedAfter(LocalGateway on, VideoTask task) {
        long end = on.simulator().tasks().stream().filter(t -> task.upstreamId().equals(t.get("task_id")))
                .mapToLong(t -> ((Number) t.get("end_ms")).longValue()).findFirst().orElseThrow();
        return task.completedMs() - end;
    }

    private static long queriesOf(LocalGateway on, String upstreamId) {
        return on.simulator().calls().stream().filter(c -> "query".equals(c.get("call")) && upstreamId.equals(c.get("task_id")))
                .count();
    }

    @Test
    void aPushedEventFinishesTheTaskAtOnceWithOneQuery() throws Exception {
        try (LocalGateway gateway = LocalGateway.start(LocalOptions.forTests(SIM, Map.of("COMPLETION_EVENTS", "true")))) {
            assertThat(gateway.completionEventsPushed()).isTrue();
            VideoTask task = ended(gateway, submit(gateway, "pushed"));
            assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(gateway.simulator().stats().get("events_sent").asInt()).isPositive();
            assertThat(queriesOf(gateway, task.upstreamId())).as("the result query only").isEqualTo(1);
            // The sparse listing would have waited seconds past the end (the next test); the event takes moments.
            assertThat(noticedAfter(gateway, task)).as("ms from the end to the record").isLessThan(2000);
        }
    }

    @Test
    void eventsWithAWrongTokenGetNowhereAndTheListingStillFinishesTheTask() throws Exception {
        try (LocalGateway gateway = LocalGateway.start(LocalOptions.forTests(SIM, Map.of("COMPLETION_EVENTS", "true")))) {
            // The functions check one token, the simulator's rule sends another.
            gateway.simulator().sendCompletionEvents(io.wanvideo.dashscope.simulator.EventTargets.of("sk-local-simulator",
                    gateway.url().resolve("/upstream-events/default"), Map.of("Authorization", "Bearer not-the-token")));
            VideoTask task = ended(gateway, submit(gateway, "events refused"));
            assertThat(task.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(gateway.simulator().stats().get("events_failed").asInt()).isPositive();
            assertThat(gateway.simulator().stats().get("list_calls").asInt()).isPositive();
            assertThat(noticedAfter(gateway, task)).as("ms from the end to the record").isGreaterThan(2000);
        }
    }
}
