package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The recount the tests and the crash benchmark rely on sees a leaked slot and a lost waiting count. */
class CounterAuditTest {
    private final LocalAws aws = LocalAws.get();
    private final String table = aws.newTable();
    private final DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
    private final TaskIds ids = new TaskIds(Clock.systemUTC());

    private VideoTask queued() {
        VideoTask task = VideoTask.queued(ids.next(), "tenant-a", Specs.r2v("a cat"), System.currentTimeMillis());
        store.create(task, new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, null));
        return task;
    }

    private void add(String pk, String counter, int delta) {
        aws.dynamo().updateItem(u -> u.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk)))
                .updateExpression("ADD #c :d").expressionAttributeNames(Map.of("#c", counter))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromN(Integer.toString(delta)))));
    }

    @Test
    void matchingCountersReportNoDifference() {
        VideoTask held = queued();
        queued();
        store.claim(held, held.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).dueMs(2L).build(), 5, null);
        CounterAudit.Report report = CounterAudit.run(aws.dynamo(), table);
        assertThat(report.differences()).isEmpty();
        assertThat(report.tasks()).isEqualTo(2);
        assertThat(report.slotsTaken()).isEqualTo(1);
        assertThat(report.slotHolders()).isEqualTo(1);
    }

    @Test
    void aLeakedSlotAndALostWaitingCountAreDifferences() {
        VideoTask held = queued();
        queued();
        store.claim(held, held.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).dueMs(2L).build(), 5, null);
        add("slots#main#wan2.7-r2v", "used", 1);
        add("fair#wan2.7-r2v#tenant-a", "waiting", -1);
        CounterAudit.Report report = CounterAudit.run(aws.dynamo(), table);
        assertThat(report.slotsTaken()).isEqualTo(2);
        assertThat(report.differences()).containsExactlyInAnyOrder(
                "slots taken on main#wan2.7-r2v: counter 2, tasks 1",
                "waiting of wan2.7-r2v#tenant-a: counter 0, tasks 1");
    }
}
