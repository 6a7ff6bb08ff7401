package io.wanvideo.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Against DynamoDB Local: the benchmarks' watch reads little and still waits for every task. */
class TaskEndsTest {
    private final LocalAws aws = LocalAws.get();
    private final DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), aws.newTable(), Duration.ofDays(1));
    private final AtomicInteger reads = new AtomicInteger();
    /** The store, counting the task reads made through it. */
    private final TaskStore counted = (TaskStore) Proxy.newProxyInstance(TaskStore.class.getClassLoader(),
            new Class<?>[] {TaskStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("find")) {
                    reads.incrementAndGet();
                }
                try {
                    return method.invoke(store, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    @Test
    void readsUpToTheFirstTaskStillGoingAndEndsOnlyWhenAllHaveEnded() {
        TaskIds ids = new TaskIds(Clock.systemUTC());
        List<VideoTask> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            VideoTask task = VideoTask.queued(ids.next(), "tenant", Specs.r2v("task " + i), 1_000 + i);
            store.create(task, new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, null));
            tasks.add(task);
        }
        TaskEnds ends = new TaskEnds(counted, tasks.stream().map(VideoTask::id).toList());

        end(tasks.get(0));
        end(tasks.get(2));
        assertThat(ends.look()).isFalse();
        assertThat(reads).as("the first task ended, the second still going: two reads, not four").hasValue(2);
        assertThat(ends.look()).isFalse();
        assertThat(reads).as("an ended task is not read again").hasValue(3);

        assertThat(ends.lookAtAll()).extracting(VideoTask::id).containsExactly(tasks.get(1).id(), tasks.get(3).id());
        assertThat(ends.count()).isEqualTo(2);

        end(tasks.get(1));
        end(tasks.get(3));
        assertThat(ends.look()).isTrue();
        assertThat(ends.ended()).containsOnlyKeys(tasks.stream().map(VideoTask::id).toList());
        assertThat(ends.ended().values()).allMatch(t -> t.state() == TaskState.FAILED);
    }

    private void end(VideoTask task) {
        store.transition(task, task.next().state(TaskState.FAILED).error(new TaskError("cancelled", "cancelled by the test"))
                .completedMs(2_000L).build());
    }
}
