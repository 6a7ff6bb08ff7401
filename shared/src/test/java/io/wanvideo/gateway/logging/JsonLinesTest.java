package io.wanvideo.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.spi.ExtendedLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The functions' log lines: one JSON object each, Lambda's fields, the thread context, exceptions kept whole. */
class JsonLinesTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final JsonLinesLogging.Context context = new JsonLinesLogging.Context(Level.INFO,
            new PrintStream(out, true, StandardCharsets.UTF_8));

    @AfterEach
    void clear() {
        ThreadContext.clearMap();
    }

    private JsonNode onlyLine() throws Exception {
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        return Json.tree(lines[0]);
    }

    @Test
    void aLineIsOneJsonObjectWithTheRequestAndTaskIds() throws Exception {
        LogContext.invocation("req-1");
        LogContext.task("video_01abc");
        context.getLogger("io.wanvideo.x").info("task {} said \"{}\"\n on two lines", "video_01abc", "hi\t\u0001");
        JsonNode line = onlyLine();
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("io.wanvideo.x");
        assertThat(line.get("message").asText()).isEqualTo("task video_01abc said \"hi\t\u0001\"\n on two lines");
        assertThat(line.get("request_id").asText()).isEqualTo("req-1");
        assertThat(line.get("task_id").asText()).isEqualTo("video_01abc");
        assertThat(line.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    }

    @Test
    void anExceptionAndItsCausesAreInTheSameLine() throws Exception {
        context.getLogger("x").error("failed", new IllegalStateException("outer", new java.io.IOException("inner")));
        JsonNode line = onlyLine();
        assertThat(line.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.get("errorMessage").asText()).isEqualTo("outer");
        assertThat(line.get("stackTrace").toString()).contains("Caused by: java.io.IOException: inner");
    }

    @Test
    void levelsFilterAndTheSdkIsQuietBelowWarn() {
        ExtendedLogger ours = context.getLogger("io.wanvideo.x");
        ExtendedLogger sdk = context.getLogger("software.amazon.awssdk.request");
        ours.debug("no");
        sdk.info("no");
        assertThat(out.size()).isZero();
        sdk.warn("yes");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"yes\"");
        assertThat(JsonLinesLogging.level(Map.of("AWS_LAMBDA_LOG_LEVEL", "debug"))).isEqualTo(Level.DEBUG);
        assertThat(JsonLinesLogging.level(Map.of())).isEqualTo(Level.INFO);
    }

    /** Priming's rehearsal of real work says nothing below WARN, and marks what it does say. */
    @Test
    void aRehearsalDropsItsLinesBelowWarnAndMarksTheRest() throws Exception {
        ExtendedLogger ours = context.getLogger("io.wanvideo.x");
        LogContext.rehearsal(() -> {
            ours.info("task video_0 completed");
            LogContext.rehearsal(() -> ours.info("nested"));
            ours.warn("trouble");
        });
        ours.info("after");
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(Json.tree(lines[0]).get("message").asText()).isEqualTo("trouble");
        assertThat(Json.tree(lines[0]).get("rehearsal").asText()).isEqualTo("true");
        assertThat(Json.tree(lines[1]).get("message").asText()).isEqualTo("after");
        assertThat(Json.tree(lines[1]).has("rehearsal")).isFalse();
    }

    @Test
    void timestampsAreUtcCalendarDates() {
        Map<Long, String> cases = new LinkedHashMap<>();
        cases.put(0L, "1970-01-01T00:00:00.000Z");
        cases.put(951_782_400_000L, "2000-02-29T00:00:00.000Z");
        cases.put(1_795_330_688_873L, java.time.Instant.ofEpochMilli(1_795_330_688_873L).toString());
        cases.forEach((ms, text) -> {
            StringBuilder b = new StringBuilder();
            JsonLines.timestamp(b, ms);
            assertThat(b.toString()).isEqualTo(text);
        });
    }
}
