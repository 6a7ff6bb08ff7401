package io.wanvideo.gateway.upstream.dashscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.upstream.UnreadableEventException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading Model Studio's completion events: where the task id may sit, which statuses are no completion, what is refused. */
class DashScopeEventsTest {
    private static Optional<String> read(String json) throws Exception {
        return DashScopeEvents.endedTask(Json.tree(json));
    }

    private static String refusedField(String json) {
        try {
            read(json);
        } catch (UnreadableEventException e) {
            return e.field();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused: " + json);
    }

    @Test
    void theTaskIdIsFoundInTheCloudEventsDataInAQueryShapedPayloadOrAtTheTop() throws Exception {
        assertThat(read("{\"specversion\":\"1.0\",\"data\":{\"task_id\":\"a-1\",\"task_status\":\"SUCCEEDED\"}}")).contains("a-1");
        assertThat(read("{\"data\":{\"output\":{\"task_id\":\"a-2\",\"task_status\":\"FAILED\"}}}")).contains("a-2");
        assertThat(read("{\"task_id\":\"a-3\",\"task_status\":\"CANCELED\"}")).contains("a-3");
        assertThat(read("{\"output\":{\"task_id\":\"a_4\"}}")).contains("a_4");
    }

    @Test
    void aStatusStillGoingIsNoCompletionAndAnyOtherIsOne() throws Exception {
        assertThat(read("{\"data\":{\"task_id\":\"b-1\",\"task_status\":\"PENDING\"}}")).isEmpty();
        assertThat(read("{\"data\":{\"task_id\":\"b-2\",\"task_status\":\"RUNNING\"}}")).isEmpty();
        // Unknown to this reading, or absent: the query will say.
        assertThat(read("{\"data\":{\"task_id\":\"b-3\",\"task_status\":\"SUSPENDED\"}}")).contains("b-3");
        assertThat(read("{\"data\":{\"task_id\":\"b-4\"}}")).contains("b-4");
        assertThat(read("{\"data\":{\"task_id\":\"b-5\",\"task_status\":\"UNKNOWN\"}}")).contains("b-5");
    }

    @Test
    void anEventWithoutAReadableTaskIdIsRefusedNamingWhereItBelongs() {
        assertThat(refusedField("{\"data\":{\"status\":\"SUCCEEDED\"}}")).isEqualTo("data.task_id");
        assertThat(refusedField("{}")).isEqualTo("data.task_id");
        assertThat(refusedField("{\"data\":{\"task_id\":42}}")).isEqualTo("data.task_id");
        assertThat(refusedField("{\"data\":{\"task_id\":\"\"}}")).isEqualTo("data.task_id");
        assertThat(refusedField("{\"data\":{\"task_id\":\"a b\"}}")).isEqualTo("data.task_id");
        assertThat(refusedField("{\"data\":{\"task_id\":\"" + "x".repeat(129) + "\"}}")).isEqualTo("data.task_id");
        assertThat(refusedField("[]")).isEqualTo("data");
        assertThat(refusedField("\"text\"")).isEqualTo("data");
        assertThatThrownBy(() -> DashScopeEvents.endedTask(null)).isInstanceOf(UnreadableEventException.class);
    }
}
