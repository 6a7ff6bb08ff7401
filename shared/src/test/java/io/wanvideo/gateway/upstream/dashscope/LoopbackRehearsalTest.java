package io.wanvideo.gateway.upstream.dashscope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.config.DryRun;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.upstream.UpstreamTask;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import org.junit.jupiter.api.Test;

class LoopbackRehearsalTest {
    @Test
    void aCreateAQueryAndAListingRunThroughTheClientAgainstTheStandIn() {
        var spec = new VideoRequestValidator().validate(Json.read("{\"model\":\"wan2.7-i2v\",\"prompt\":\"priming\","
                + "\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/a.png\"}]}", JsonNode.class));

        // The query and the listing parse the stand-in's answers through the client's own reading of DashScope's shapes.
        LoopbackRehearsal.Rehearsed rehearsed = LoopbackRehearsal.run(spec);
        assertThat(rehearsed.queried()).isEqualTo(UpstreamState.SUCCEEDED);
        assertThat(rehearsed.listed().last()).isTrue();
        assertThat(rehearsed.listed().tasks()).singleElement().satisfies(t -> {
            assertThat(t.view().state()).isEqualTo(UpstreamState.SUCCEEDED);
            assertThat(t.startedMs()).isEqualTo(1758161400000L);
        });
        // Each rehearsal listens on a port of its own and leaves nothing behind that a second one would meet.
        assertThat(LoopbackRehearsal.run(spec).queried()).isEqualTo(UpstreamState.SUCCEEDED);
    }

    /**
     * The stand-in's client is the one DashScope client that calls inside a dry run (DashScopeClientTest: any other
     * refuses); a query finds its running task running and any other finished, and the stand-in says what it answered.
     */
    @Test
    void theStandInsClientCallsInsideADryRunAndFindsItsRunningTaskRunning() {
        try (LoopbackRehearsal.StandIn standIn = LoopbackRehearsal.StandIn.open()) {
            UpstreamTask[] seen = new UpstreamTask[2];
            DryRun.run(() -> {
                seen[0] = standIn.upstream().query(LoopbackRehearsal.RUNNING_TASK);
                seen[1] = standIn.upstream().query("priming");
            });
            assertThat(seen[0].state()).isEqualTo(UpstreamState.RUNNING);
            assertThat(seen[1].state()).isEqualTo(UpstreamState.SUCCEEDED);
            assertThat(seen[1].videoUrl()).isEqualTo("http://127.0.0.1/priming.mp4");
            assertThat(standIn.answered()).containsExactly("GET /api/v1/tasks/priming-running HTTP/1.1",
                    "GET /api/v1/tasks/priming HTTP/1.1");
            assertThat(standIn.upstream().account()).isEqualTo("priming");
        }
    }
}
