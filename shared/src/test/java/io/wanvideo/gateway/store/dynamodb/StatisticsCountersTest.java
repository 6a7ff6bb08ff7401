package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.EndCounts;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The counters behind GET /v1/stats, against DynamoDB Local: ends per minute, accounts per pool, operator keys. */
class StatisticsCountersTest {
    private static final long MINUTE = 29_000_000L;
    private final LocalAws aws = LocalAws.get();
    private final TaskIds ids = new TaskIds(Clock.systemUTC());
    private String table;
    private DynamoTaskStore store;

    @BeforeEach
    void freshTable() {
        table = aws.newTable();
        store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(30));
    }

    private VideoTask ended(String tenant, VideoTask task, TaskState state, long atMs) {
        VideoTask t = VideoTask.queued(ids.next(), tenant, task.spec(), atMs - 10_000);
        return t.next().state(state).completedMs(atMs)
                .error(state == TaskState.FAILED ? new TaskError("DataInspectionFailed", "no") : null).build();
    }

    @Test
    void endsAreCountedInTheirMinutePerPoolForTheTenantAndTheDeployment() {
        VideoTask r2v = VideoTask.queued("x", "x", Specs.r2v("a"), 0);
        VideoTask i2v = VideoTask.queued("x", "x", Specs.i2v("a"), 0);
        long at = MINUTE * 60_000 + 5_000;
        store.countEnd(ended("t1", r2v, TaskState.COMPLETED, at), 1_500L);
        store.countEnd(ended("t1", r2v, TaskState.COMPLETED, at + 50_000), 700L);
        store.countEnd(ended("t1", r2v, TaskState.FAILED, at + 1_000), null);
        store.countEnd(ended("t2", i2v, TaskState.COMPLETED, at), 200_000L);
        store.countEnd(ended("t2", r2v, TaskState.COMPLETED, at + 60_000), 3_000L);

        Map<String, EndCounts> all = byPool(store.endCounts(null, List.of(MINUTE, MINUTE + 1, MINUTE + 2)), MINUTE);
        EndCounts r = all.get("wan2.7-r2v");
        assertThat(r.completed()).isEqualTo(2);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.detected()).isEqualTo(2);
        assertThat(r.detectionDelaySumMs()).isEqualTo(2_200);
        // 700 ms is within 1 s, 1500 ms within 2 s.
        assertThat(r.detectionDelays()).containsExactly(1L, 1L, 0L, 0L, 0L, 0L, 0L, 0L);
        EndCounts i = all.get("wan2.7-i2v");
        assertThat(i.completed()).isEqualTo(1);
        assertThat(i.detectionDelays().get(7)).as("beyond the last bound").isEqualTo(1);
        assertThat(byPool(store.endCounts(null, List.of(MINUTE + 1)), MINUTE + 1).get("wan2.7-r2v").completed()).isEqualTo(1);

        Map<String, EndCounts> t1 = byPool(store.endCounts("t1", List.of(MINUTE, MINUTE + 1)), MINUTE);
        assertThat(t1).containsOnlyKeys("wan2.7-r2v");
        assertThat(t1.get("wan2.7-r2v").completed()).isEqualTo(2);
        assertThat(t1.get("wan2.7-r2v").failed()).isEqualTo(1);
        assertThat(store.endCounts("t1", List.of(MINUTE + 1))).isEmpty();
        assertThat(store.endCounts("nobody", List.of(MINUTE))).isEmpty();
        assertThat(store.endCounts(null, List.of(MINUTE - 1))).isEmpty();
    }

    @Test
    void onlyAnEndedTaskIsCounted() {
        assertThatThrownBy(() -> store.countEnd(VideoTask.queued(ids.next(), "t", Specs.r2v("a"), 1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, EndCounts> byPool(List<EndCounts> counts, long minute) {
        Map<String, EndCounts> out = new LinkedHashMap<>();
        counts.stream().filter(c -> c.minute() == minute).forEach(c -> out.put(c.pool(), c));
        return out;
    }

    @Test
    void theSweepsRecordOfAccountsIsReadBackInOrderAndRewrittenWhenItChanges() {
        DynamoAccountStates accounts = new DynamoAccountStates(aws.dynamo(), table);
        assertThat(accounts.accountSlots("wan2.7-r2v")).isEmpty();
        assertThat(accounts.capacity("wan2.7-r2v")).isEmpty();
        Map<String, Integer> slots = new LinkedHashMap<>();
        slots.put("zeta", 5);
        slots.put("alpha", 3);
        accounts.recordCapacity("wan2.7-r2v", slots);
        accounts.recordCapacity("wan2.7-r2v", slots);
        assertThat(accounts.accountSlots("wan2.7-r2v")).containsExactly(Map.entry("zeta", 5), Map.entry("alpha", 3));
        assertThat(accounts.capacity("wan2.7-r2v")).hasValue(8);
        // Same total, other accounts: still rewritten.
        accounts.recordCapacity("wan2.7-r2v", Map.of("beta", 8));
        assertThat(accounts.accountSlots("wan2.7-r2v")).containsExactly(Map.entry("beta", 8));
        assertThat(accounts.capacity("wan2.7-r2v")).hasValue(8);
        assertThat(accounts.accountSlots("wan2.7-i2v")).isEmpty();
    }

    @Test
    void anOperatorKeyIsStoredAsSuchAndOtherKeysAreNot() {
        DynamoApiKeyStore keys = new DynamoApiKeyStore(aws.dynamo(), table);
        keys.put("aa", ApiKeyStore.ApiKeyRecord.operator("ops"));
        keys.put("bb", ApiKeyStore.ApiKeyRecord.of("tenant"));
        keys.put("cc", new ApiKeyStore.ApiKeyRecord("limited", 3, 4, 2.0, null));
        assertThat(keys.find("aa").orElseThrow().operator()).isTrue();
        assertThat(keys.find("bb").orElseThrow().operator()).isFalse();
        assertThat(keys.find("cc").orElseThrow()).isEqualTo(new ApiKeyStore.ApiKeyRecord("limited", 3, 4, 2.0, null, false));
    }
}
