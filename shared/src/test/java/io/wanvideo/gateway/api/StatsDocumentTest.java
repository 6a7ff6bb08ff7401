package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.TenantPolicy;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.GatewayStats;
import io.wanvideo.gateway.store.dynamodb.DynamoAccountStates;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/stats as the OpenAPI document describes it: what the code writes for a tenant's key and an operator's, held
 * to the document by the project's response checker ({@link ApiDocument}).
 */
class StatsDocumentTest {
    private static final TenantPolicy POLICY = new TenantPolicy(1000, 1000, 1.0, null);
    private static final Map<String, List<String>> JSON = Map.of("content-type", List.of("application/json; charset=utf-8"));

    @Test
    void theStatsAreWhatTheDocumentSays() throws Exception {
        ApiDocument document = ApiDocument.load();
        LocalAws aws = LocalAws.get();
        String table = aws.newTable();
        DynamoTaskStore store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(1));
        DynamoAccountStates accounts = new DynamoAccountStates(aws.dynamo(), table);
        Map<String, Integer> slots = new LinkedHashMap<>();
        slots.put("a", 5);
        slots.put("b", 2);
        accounts.recordCapacity("wan2.7-r2v", slots);
        long now = System.currentTimeMillis();
        VideoTask task = VideoTask.queued("video_x", "t1", Specs.r2v("a"), now - 5_000);
        store.countEnd(task.next().state(TaskState.COMPLETED).completedMs(now).build(), 1_200L);
        store.countEnd(task.next().state(TaskState.FAILED).completedMs(now).build(), null);
        GatewayStats stats = new GatewayStats(store, accounts, Clock.systemUTC());

        for (Caller caller : List.of(new Caller("t1", POLICY), new Caller("t1", POLICY, true))) {
            String written = Json.write(stats.report(caller));
            assertThat(document.problems("GET", "/v1/stats", 200, JSON, written)).as(written).isEmpty();
            // The checker would see a field the document does not describe.
            ObjectNode more = (ObjectNode) Json.tree(written);
            ((ObjectNode) more.get("tenant")).put("secret", 1);
            assertThat(document.problems("GET", "/v1/stats", 200, JSON, more.toString())).isNotEmpty();
        }
    }
}
