package io.wanvideo.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.testing.Specs;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stored task: how it starts, what the client is told of each state, and how each change makes a new version. */
class VideoTaskTest {
    private static final long NOW = 1_795_000_000_000L;
    private final VideoTask queued = VideoTask.queued("video_01m7z2rknssh48bdryt5pfkfg6", "acme", Specs.i2v("a cat"), NOW, 77);

    @Test
    void aNewTaskWaitsInTheBacklogAtVersionOne() {
        assertThat(queued).isEqualTo(new VideoTask("video_01m7z2rknssh48bdryt5pfkfg6", "acme", Specs.i2v("a cat"), NOW,
                TaskState.QUEUED, 1, null, null, null, 0, null, 77, null, null, null, null, 0, 0, null, null, null, null, null,
                null, null));
        assertThat(VideoTask.queued("video_x", "acme", Specs.r2v("a"), NOW).fairStep()).isEqualTo(VideoTask.UNIT_FAIR_STEP);
        assertThat(VideoTask.UNIT_FAIR_STEP).isEqualTo(10_000_000_000_000L);
    }

    @Test
    void itsModelAndPoolAreThoseOfItsSpec() {
        assertThat(queued.model()).isEqualTo(VideoModel.WAN27_I2V);
        assertThat(queued.pool()).isEqualTo("wan2.7-i2v");
        VideoSpec i2v = Specs.i2v("a");
        VideoSpec snapshot = new VideoSpec(VideoModel.WAN27_I2V_20260425, null, null, i2v.media(), i2v.size(), null, 5, true,
                false, null, null, null);
        VideoTask task = VideoTask.queued("v", "t", snapshot, NOW);
        assertThat(task.model()).isEqualTo(VideoModel.WAN27_I2V_20260425);
        assertThat(task.pool()).as("the snapshot shares the model's pool").isEqualTo("wan2.7-i2v");
    }

    @Test
    void theBacklogOrdersBySubmissionTimeThenId() {
        assertThat(queued.backlogSeq()).isEqualTo("001795000000000#video_01m7z2rknssh48bdryt5pfkfg6");
        assertThat(VideoTask.queued("video_a", "t", Specs.r2v("a"), 5).backlogSeq()).isEqualTo("000000000000005#video_a");
    }

    @ParameterizedTest(name = "{0} upstream {1}: {2}")
    @CsvSource(nullValues = "-", value = {
            "QUEUED, -, QUEUED",
            "DISPATCHING, -, QUEUED",
            "SUBMITTING, -, QUEUED",
            "RUNNING, -, QUEUED",
            "RUNNING, WAITING, QUEUED",
            "RUNNING, RUNNING, IN_PROGRESS",
            "RUNNING, SUCCEEDED, IN_PROGRESS",
            "RUNNING, UNRECOGNISED, UNKNOWN",
            "COMPLETED, SUCCEEDED, COMPLETED",
            "FAILED, FAILED, FAILED",
            "FAILED, -, FAILED"})
    void theClientSeesAPublicStatus(TaskState state, UpstreamState upstream, PublicStatus shown) {
        assertThat(queued.next().state(state).upstreamState(upstream).build().publicStatus()).isEqualTo(shown);
    }

    @Test
    void publicStatusesHaveTheirWireNames() {
        assertThat(EnumSet.allOf(PublicStatus.class)).extracting(PublicStatus::wire)
                .containsExactly("queued", "in_progress", "completed", "failed", "unknown");
    }

    @Test
    void slotsAreHeldBetweenDispatchAndTheEnd() {
        Set<TaskState> holding = EnumSet.noneOf(TaskState.class);
        Set<TaskState> terminal = EnumSet.noneOf(TaskState.class);
        for (TaskState s : TaskState.values()) {
            if (s.holdsSlot()) {
                holding.add(s);
            }
            if (s.terminal()) {
                terminal.add(s);
            }
        }
        assertThat(holding).containsExactlyInAnyOrder(TaskState.DISPATCHING, TaskState.SUBMITTING, TaskState.RUNNING);
        assertThat(terminal).containsExactlyInAnyOrder(TaskState.COMPLETED, TaskState.FAILED);
        Set<UpstreamState> upstreamTerminal = EnumSet.noneOf(UpstreamState.class);
        for (UpstreamState s : UpstreamState.values()) {
            if (s.terminal()) {
                upstreamTerminal.add(s);
            }
        }
        assertThat(upstreamTerminal).containsExactlyInAnyOrder(UpstreamState.SUCCEEDED, UpstreamState.FAILED,
                UpstreamState.CANCELLED, UpstreamState.GONE);
    }

    @Test
    void eachChangeIsTheNextVersionWithEveryFieldAsSet() {
        Usage usage = new Usage(0, 5, 5, 0.5);
        TaskError error = new TaskError("c", "m");
        ResultCopy copy = ResultCopy.pending(NOW);
        WebhookDelivery hook = WebhookDelivery.pending("https://h.example", "evt_1", "video.completed", NOW);
        VideoTask next = queued.next().state(TaskState.RUNNING).dueMs(1L).dispatchedMs(2L).submitStartedMs(3L).attempts(4)
                .account("acct").fairStep(5).upstreamId("up-1").submittedMs(6L).upstreamState(UpstreamState.RUNNING)
                .runOriginMs(7L).polls(8).progressFloor(9).completedMs(10L).videoUrl("https://v").videoExpiresMs(11L)
                .usage(usage).error(error).result(copy).webhook(hook).build();
        assertThat(next).isEqualTo(new VideoTask(queued.id(), "acme", queued.spec(), NOW, TaskState.RUNNING, 2, 1L, 2L, 3L, 4,
                "acct", 5, "up-1", 6L, UpstreamState.RUNNING, 7L, 8, 9, 10L, "https://v", 11L, usage, error, copy, hook));
        // Unchanged fields carry over; the version counts every build.
        VideoTask again = next.next().build();
        assertThat(again).isEqualTo(new VideoTask(queued.id(), "acme", queued.spec(), NOW, TaskState.RUNNING, 3, 1L, 2L, 3L, 4,
                "acct", 5, "up-1", 6L, UpstreamState.RUNNING, 7L, 8, 9, 10L, "https://v", 11L, usage, error, copy, hook));
    }

    @Test
    void aTaskThatHoldsNoSlotHasNoMessageDue() {
        VideoTask running = queued.next().state(TaskState.RUNNING).dueMs(NOW + 5_000).build();
        assertThat(running.dueMs()).isEqualTo(NOW + 5_000);
        assertThat(running.next().state(TaskState.COMPLETED).build().dueMs()).isNull();
        assertThat(queued.next().dueMs(NOW).build().dueMs()).as("queued").isNull();
    }
}
