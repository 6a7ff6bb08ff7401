package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.dashscope.simulator.SimulatorSettings;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.testing.GatewayHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API's promises beyond submit-and-poll, through the services on DynamoDB Local, ElasticMQ and the
 * simulator: idempotent creates, deletes that cancel (and free their slot at once), content links.
 */
class VideoSurfaceTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private GatewayHarness gateway;

    @AfterEach
    void countersMatchTheTasks() {
        GatewayHarness.closeCheckingCounters(gateway);
    }

    private static String r2v(String prompt) {
        return "{\"model\":\"wan2.7-r2v\",\"prompt\":\"" + prompt + "\",\"size\":\"720P\","
                + "\"media\":[{\"type\":\"reference_image\",\"url\":\"https://example.com/a.png\"}]}";
    }

    private int simStat(String name) {
        return gateway.sim.stats().get(name).asInt();
    }

    private long storedTasks() {
        return gateway.aws.dynamo().scanPaginator(s -> s.tableName(gateway.table)).items().stream()
                .filter(i -> i.get("pk").s().startsWith("task#")).count();
    }

    @Test
    void twentyConcurrentCreatesWithOneKeyMakeOneTaskAndOneUpstreamCreate() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 1, 1), GatewayHarness.quickSettings(), 5);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SubmitVideo.Submitted>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return gateway.submit.submit(GatewayHarness.caller("t"), Json.tree(r2v("once")), "key-1");
            }));
        }
        go.countDown();
        List<SubmitVideo.Submitted> answers = new ArrayList<>();
        for (Future<SubmitVideo.Submitted> f : results) {
            answers.add(f.get());
        }
        pool.shutdown();
        assertThat(answers).extracting(a -> a.video().id()).containsOnly(answers.get(0).video().id());
        assertThat(answers).filteredOn(a -> !a.replayed()).hasSize(1);
        assertThat(storedTasks()).isEqualTo(1);
        String id = answers.get(0).video().id();
        gateway.pumpUntil(() -> gateway.task(id).state().terminal(), WAIT);
        assertThat(simStat("create_calls")).isEqualTo(1);
        // The same key with another request is refused, and writes nothing.
        assertThatThrownBy(() -> gateway.submit.submit(GatewayHarness.caller("t"), Json.tree(r2v("other")), "key-1"))
                .isInstanceOf(IdempotencyConflictException.class);
        // Keys belong to a tenant: another tenant's same key is a new task.
        assertThat(gateway.submit.submit(GatewayHarness.caller("u"), Json.tree(r2v("once")), "key-1").replayed()).isFalse();
        assertThat(storedTasks()).isEqualTo(2);
    }

    @Test
    void aDeletedBacklogTaskNeverReachesTheUpstream() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 3, 3), GatewayHarness.quickSettings(), 1);
        String running = gateway.submit("t", r2v("holder"));
        gateway.pumpUntil(() -> gateway.task(running).state() == TaskState.RUNNING, WAIT);
        String waiting = gateway.submit("t", r2v("never created"));
        assertThat(gateway.delete.delete("t", waiting).deleted()).isTrue();
        assertThatThrownBy(() -> gateway.lookup.find("t", waiting)).isInstanceOf(VideoNotFoundException.class);
        gateway.pumpUntil(() -> gateway.task(running).state().terminal(), WAIT);
        // Only the holder was ever created upstream.
        assertThat(simStat("create_calls")).isEqualTo(1);
    }

    @Test
    void aCancelledPendingTaskFreesItsSlotForTheNextWithinTwoSeconds() throws Exception {
        // Five slots, all held by tasks the upstream keeps pending; a sixth waits in the backlog.
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(60, 5, 5), GatewayHarness.quickSettings(), 5);
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(gateway.submit("t", r2v("pending " + i)));
        }
        gateway.pumpUntil(() -> pending.stream().allMatch(id -> gateway.task(id).state() == TaskState.RUNNING), WAIT);
        String next = gateway.submit("t", r2v("next"));
        gateway.pumpOnce();
        assertThat(gateway.task(next).state()).isEqualTo(TaskState.QUEUED);

        long deleted = System.currentTimeMillis();
        assertThat(gateway.delete.delete("t", pending.get(0)).deleted()).isTrue();
        gateway.pumpUntil(() -> gateway.task(next).state() == TaskState.RUNNING, WAIT);
        long handedOn = gateway.task(next).submittedMs() - deleted;
        System.out.printf("cancelled PENDING task's slot reached the next task's create %d ms after the delete%n", handedOn);
        assertThat(handedOn).isLessThan(2_000);
        assertThat(simStat("cancel_calls")).isEqualTo(1);
        assertThat(gateway.sim.stats().get("max_concurrent").asInt()).isEqualTo(5);
    }

    @Test
    void aTaskRunningUpstreamCannotBeCancelled() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 20, 20), GatewayHarness.quickSettings(), 5);
        String id = gateway.submit("t", r2v("running"));
        gateway.pumpUntil(() -> gateway.task(id).upstreamState() == UpstreamState.RUNNING, WAIT);
        assertThatThrownBy(() -> gateway.delete.delete("t", id)).isInstanceOf(TaskNotCancellableException.class);
        assertThat(gateway.task(id).state()).isEqualTo(TaskState.RUNNING);
        // Another tenant cannot even see it.
        assertThatThrownBy(() -> gateway.delete.delete("u", id)).isInstanceOf(VideoNotFoundException.class);
    }

    @Test
    void contentIsNotReadyUntilCompletedThenLinksToTheVideo() throws Exception {
        gateway = new GatewayHarness(SimulatorSettings.defaults().withTiming(0, 1, 1), GatewayHarness.quickSettings(), 5);
        String id = gateway.submit("t", r2v("content"));
        assertThatThrownBy(() -> gateway.lookup.content("t", id)).isInstanceOf(VideoNotReadyException.class);
        gateway.pumpUntil(() -> gateway.task(id).state().terminal(), WAIT);
        VideoTask done = gateway.task(id);
        assertThat(gateway.lookup.content("t", id)).isEqualTo(done.videoUrl());
        // Once the upstream URL has expired and no copy is kept, the video is gone.
        VideoTask expired = done.next().videoExpiresMs(done.completedMs()).build();
        gateway.realStore.transition(done, expired);
        assertThatThrownBy(() -> gateway.lookup.content("t", id)).isInstanceOf(VideoGoneException.class);
        assertThat(gateway.delete.delete("t", id).deleted()).isTrue();
    }
}
