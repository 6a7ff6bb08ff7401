package io.wanvideo.gateway.upstream.dashscope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.UpstreamState;
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
}
