package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Against DynamoDB Local. */
class DynamoTaskStoreTest {
    private static final int CAPACITY = 5;
    private final LocalAws aws = LocalAws.get();
    private final TaskIds ids = new TaskIds(Clock.systemUTC());
    private String table;
    private DynamoTaskStore store;

    @BeforeEach
    void freshTable() {
        table = aws.newTable();
        store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(30));
    }

    private VideoTask queued(long createdMs) {
        VideoTask task = VideoTask.queued(ids.next(), "tenant-a", Specs.r2v("a cat"), createdMs);
        store.create(task);
        return task;
    }

    private VideoTask claim(VideoTask task) {
        return store.transition(task, task.next().state(TaskState.DISPATCHING).dispatchedMs(1L).dueMs(2L).build(), CAPACITY);
    }

    @Test
    void roundTripsEveryField() {
        VideoTask task = queued(1_000);
        VideoTask done = task.next().state(TaskState.COMPLETED).upstreamId("up-1").submittedMs(5L).upstreamStatus("SUCCEEDED")
                .runOriginMs(6L).polls(3).progressFloor(40).completedMs(9_000L).videoUrl("https://v/1.mp4")
                .videoExpiresMs(99L).usage(new Usage(5, 5, 10)).attempts(2).build();
        VideoTask failed = VideoTask.queued(ids.next(), "t", Specs.i2v(null), 1).next().state(TaskState.FAILED)
                .error(new TaskError("DataInspectionFailed", "bad input")).completedMs(2L).build();
        store.transition(task, done, CAPACITY);
        store.create(VideoTask.queued(failed.id(), "t", Specs.i2v(null), 1));
        store.transition(store.find(failed.id()).orElseThrow(), failed, CAPACITY);

        assertThat(store.find(task.id())).contains(done);
        assertThat(store.find(failed.id())).contains(failed);
        assertThat(store.find("video_nothing")).isEmpty();
    }

    @Test
    void aChangeDerivedFromAnOldVersionIsRefused() {
        VideoTask task = queued(1_000);
        store.transition(task, task.next().polls(1).build(), CAPACITY);
        assertThatThrownBy(() -> store.transition(task, task.next().polls(2).build(), CAPACITY))
                .isInstanceOf(StaleTaskException.class);
        assertThat(store.find(task.id()).orElseThrow().polls()).isEqualTo(1);
    }

    @Test
    void slotsAreTakenAndGivenBackWithTheStateChange() {
        List<VideoTask> holders = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
            holders.add(claim(queued(i)));
        }
        assertThat(store.slotsInUse("wan2.7-r2v")).isEqualTo(CAPACITY);
        VideoTask sixth = queued(10);
        assertThatThrownBy(() -> claim(sixth)).isInstanceOf(NoFreeSlotException.class);
        assertThat(store.find(sixth.id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);

        VideoTask first = holders.get(0);
        store.transition(first, first.next().state(TaskState.FAILED).error(new TaskError("x", "y")).completedMs(3L).build(), CAPACITY);
        assertThat(store.slotsInUse("wan2.7-r2v")).isEqualTo(CAPACITY - 1);
        claim(store.find(sixth.id()).orElseThrow());
        assertThat(store.slotsInUse("wan2.7-r2v")).isEqualTo(CAPACITY);
        // Other pools are counted apart.
        assertThat(store.slotsInUse("wan2.7-i2v")).isZero();
    }

    @Test
    void aStaleReleaseGivesNothingBack() {
        VideoTask held = claim(queued(1));
        VideoTask done = held.next().state(TaskState.COMPLETED).completedMs(5L).videoUrl("u").build();
        store.transition(held, done, CAPACITY);
        // A duplicate of the same finishing step, derived from the same old version.
        assertThatThrownBy(() -> store.transition(held, done, CAPACITY)).isInstanceOf(StaleTaskException.class);
        assertThat(store.slotsInUse("wan2.7-r2v")).isZero();
    }

    @Test
    void racingClaimsNeverExceedTheCapacity() throws Exception {
        List<VideoTask> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(queued(i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Boolean>> results = new ArrayList<>();
        for (VideoTask task : tasks) {
            Callable<Boolean> attempt = () -> {
                go.await();
                try {
                    claim(task);
                    return true;
                } catch (NoFreeSlotException e) {
                    return false;
                }
            };
            results.add(pool.submit(attempt));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> r : results) {
            won += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(CAPACITY);
        assertThat(store.slotsInUse("wan2.7-r2v")).isEqualTo(CAPACITY);
        assertThat(store.slotHolders("wan2.7-r2v")).hasSize(CAPACITY);
    }

    @Test
    void twoWorkersRacingOnOneTaskTakeOneSlot() throws Exception {
        VideoTask task = queued(1);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Callable<String> attempt = () -> {
            go.await();
            try {
                claim(task);
                return "won";
            } catch (StaleTaskException e) {
                return "stale";
            }
        };
        Future<String> a = pool.submit(attempt);
        Future<String> b = pool.submit(attempt);
        go.countDown();
        assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder("won", "stale");
        pool.shutdown();
        assertThat(store.slotsInUse("wan2.7-r2v")).isEqualTo(1);
    }

    @Test
    void backlogIsOldestFirstAndHoldsOnlyQueuedTasks() {
        VideoTask second = queued(2_000);
        VideoTask first = queued(1_000);
        VideoTask third = queued(3_000);
        assertThat(store.backlogHead("wan2.7-r2v", 10)).containsExactly(first.id(), second.id(), third.id());
        assertThat(store.backlogHead("wan2.7-r2v", 2)).containsExactly(first.id(), second.id());
        claim(first);
        assertThat(store.backlogHead("wan2.7-r2v", 10)).containsExactly(second.id(), third.id());
        assertThat(store.slotHolders("wan2.7-r2v")).containsExactly(first.id());
        assertThat(store.backlogHead("wan2.7-i2v", 10)).isEmpty();
    }

    @Test
    void finishedTasksLeaveTheIndexesAndExpire() {
        VideoTask held = claim(queued(1));
        store.transition(held, held.next().state(TaskState.COMPLETED).completedMs(10_000L).videoUrl("u").build(), CAPACITY);
        assertThat(store.slotHolders("wan2.7-r2v")).isEmpty();
        assertThat(store.backlogHead("wan2.7-r2v", 10)).isEmpty();
        Map<String, AttributeValue> item = aws.dynamo().getItem(g -> g.tableName(table)
                .key(TaskItems.key(held.id()))).item();
        assertThat(Long.parseLong(item.get(TaskTable.TTL).n())).isEqualTo(10 + Duration.ofDays(30).toSeconds());
    }

    @Test
    void deletesOnlyAnUnchangedTask() {
        VideoTask task = queued(1);
        VideoTask moved = claim(task);
        assertThat(store.deleteIfUnchanged(task)).isFalse();
        assertThat(store.deleteIfUnchanged(moved)).isTrue();
        assertThat(store.find(task.id())).isEmpty();
    }
}
