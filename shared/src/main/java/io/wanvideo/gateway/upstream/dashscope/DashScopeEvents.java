package io.wanvideo.gateway.upstream.dashscope;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.upstream.UnreadableEventException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model Studio's task completion events, as Alibaba EventBridge pushes them to an HTTP target (README, "Completion
 * events"): a CloudEvents 1.0 envelope in structured JSON, the task under {@code data}.
 *
 * <p>Only the task's id is relied on: the gateway then asks the task itself for its outcome, as after a listing, so
 * a field this reading gets wrong costs one query, never a wrong result. The id is looked for where EventBridge puts
 * the event's payload ({@code data.task_id}), in a payload shaped like a query's answer ({@code data.output.task_id}),
 * and at the top level, for a target whose transform forwards the payload alone. A status that says the task is
 * still going (PENDING, RUNNING) makes the event no completion; any other, or none, is taken as one.
 */
final class DashScopeEvents {
    /** DashScope's task ids are UUIDs; anything far from that shape is not one of its events. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private DashScopeEvents() {}

    static Optional<String> endedTask(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new UnreadableEventException("data", "A completion event is a JSON object (CloudEvents, the task under "
                    + "`data`).");
        }
        for (JsonNode payload : List.of(event.path("data"), event)) {
            JsonNode task = payload.path("output").isObject() ? payload.path("output") : payload;
            JsonNode id = task.get("task_id");
            if (id == null || id.isNull()) {
                continue;
            }
            if (!id.isTextual() || !TASK_ID.matcher(id.textValue()).matches()) {
                throw new UnreadableEventException("data.task_id", "`data.task_id` must be a DashScope task id (letters, "
                        + "digits, '-' or '_', at most 128).");
            }
            JsonNode status = task.get("task_status");
            if (status != null && status.isTextual()) {
                UpstreamState state = DashScopeClient.state(status.textValue());
                if (state == UpstreamState.WAITING || state == UpstreamState.RUNNING) {
                    return Optional.empty();
                }
            }
            return Optional.of(id.textValue());
        }
        throw new UnreadableEventException("data.task_id", "A completion event names its task in `data.task_id`; this "
                + "one does not.");
    }
}
