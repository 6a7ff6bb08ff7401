package io.wanvideo.gateway.metrics.emf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.metrics.Metric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded-metric-format lines the functions write on standard output, and priming that writes none. */
class EmfMetricsTest {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    private List<JsonNode> lines() {
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isBlank())
                .map(l -> Json.read(l, JsonNode.class)).toList();
    }

    @Test
    void aFlushWritesOneLinePerSetOfDimensionsEachMetricInItsTotalAndSplit() {
        EmfMetrics metrics = new EmfMetrics("WanVideoGateway");
        metrics.record(Metric.SLOTS_IN_USE, 3, "account-1", "wan2.7-r2v");
        metrics.record(Metric.SLOTS_IN_USE, 1, "account-2", "wan2.7-r2v");
        metrics.record(Metric.ACCOUNTS_PAUSED, 0);
        metrics.flush();
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(3);
        JsonNode first = lines.get(0);
        JsonNode directive = first.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("WanVideoGateway");
        assertThat(directive.get("Metrics").get(0).get("Name").asText()).isEqualTo("SlotsInUse");
        assertThat(directive.get("Dimensions").toString()).contains("[]").contains("\"Account\",\"Pool\"");
        assertThat(first.get("SlotsInUse").asDouble()).isEqualTo(3);
        assertThat(first.get("Account").asText()).isEqualTo("account-1");
        assertThat(lines.get(1).get("Account").asText()).isEqualTo("account-2");
        assertThat(lines.get(2).get("AccountsPaused").asDouble()).isZero();
        // What was flushed is gone.
        out.reset();
        metrics.flush();
        assertThat(lines()).isEmpty();
    }

    @Test
    void primingWritesNothingAndDropsWhatPrimingRecorded() {
        EmfMetrics metrics = new EmfMetrics("WanVideoGateway");
        metrics.record(Metric.ACCOUNTS_PAUSED, 1);
        metrics.prime();
        assertThat(out.size()).isZero();
        metrics.flush();
        assertThat(out.size()).isZero();
        // What is recorded after it (after a restore) is flushed as usual.
        metrics.record(Metric.ACCOUNTS_PAUSED, 2);
        metrics.flush();
        assertThat(lines()).singleElement().satisfies(l -> assertThat(l.get("AccountsPaused").asDouble()).isEqualTo(2));
    }
}
