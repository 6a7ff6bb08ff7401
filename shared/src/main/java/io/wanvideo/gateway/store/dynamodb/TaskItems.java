package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps tasks to DynamoDB items and back. The handlers and services never see an AttributeValue. */
final class TaskItems {
    static final String KEY_PREFIX = "task#";

    private static final String ID = "id";
    private static final String SPEC = "spec";
    private static final String STATE = "state";
    static final String VERSION = "version";
    private static final String DISPATCHED_MS = "dispatched_ms";
    private static final String SUBMIT_STARTED_MS = "submit_started_ms";
    private static final String ATTEMPTS = "attempts";
    private static final String UPSTREAM_ID = "upstream_id";
    private static final String SUBMITTED_MS = "submitted_ms";
    private static final String UPSTREAM_STATUS = "upstream_status";
    private static final String RUN_ORIGIN_MS = "run_origin_ms";
    private static final String POLLS = "polls";
    private static final String PROGRESS_FLOOR = "progress_floor";
    private static final String COMPLETED_MS = "completed_ms";
    private static final String VIDEO_URL = "video_url";
    private static final String VIDEO_EXPIRES_MS = "video_expires_ms";
    private static final String USAGE = "usage";
    private static final String ERROR_CODE = "error_code";
    private static final String ERROR_MESSAGE = "error_message";

    private TaskItems() {}

    static Map<String, AttributeValue> key(String id) {
        return Map.of(TaskTable.PK, s(KEY_PREFIX + id));
    }

    /** The whole item of a new task. */
    static Map<String, AttributeValue> item(VideoTask task, long retentionSeconds) {
        Map<String, AttributeValue> item = new HashMap<>(key(task.id()));
        item.put(ID, s(task.id()));
        item.put(TaskTable.TENANT, s(task.tenant()));
        item.put(TaskTable.CREATED_MS, n(task.createdMs()));
        item.put(SPEC, s(Json.write(task.spec())));
        mutable(task, retentionSeconds).forEach((name, value) -> {
            if (value != null) {
                item.put(name, value);
            }
        });
        return item;
    }

    /**
     * Everything that can change after creation, with null for attributes to remove. The index
     * attributes follow from the state: a queued task is in the backlog index, a slot holder in the
     * slot-holders index, a finished task in neither and due for expiry.
     */
    static Map<String, AttributeValue> mutable(VideoTask t, long retentionSeconds) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(STATE, s(t.state().name()));
        m.put(VERSION, n(t.version()));
        m.put(DISPATCHED_MS, n(t.dispatchedMs()));
        m.put(SUBMIT_STARTED_MS, n(t.submitStartedMs()));
        m.put(ATTEMPTS, n((long) t.attempts()));
        m.put(UPSTREAM_ID, s(t.upstreamId()));
        m.put(SUBMITTED_MS, n(t.submittedMs()));
        m.put(UPSTREAM_STATUS, s(t.upstreamStatus()));
        m.put(RUN_ORIGIN_MS, n(t.runOriginMs()));
        m.put(POLLS, n((long) t.polls()));
        m.put(PROGRESS_FLOOR, n((long) t.progressFloor()));
        m.put(COMPLETED_MS, n(t.completedMs()));
        m.put(VIDEO_URL, s(t.videoUrl()));
        m.put(VIDEO_EXPIRES_MS, n(t.videoExpiresMs()));
        m.put(USAGE, t.usage() == null ? null : s(Json.write(t.usage())));
        m.put(ERROR_CODE, t.error() == null ? null : s(t.error().code()));
        m.put(ERROR_MESSAGE, t.error() == null ? null : s(t.error().message()));
        String pool = t.model().slotPool();
        boolean queued = t.state() == TaskState.QUEUED;
        m.put(TaskTable.BACKLOG_POOL, queued ? s(pool) : null);
        m.put(TaskTable.BACKLOG_SEQ, queued ? s(t.backlogSeq()) : null);
        boolean holds = t.state().holdsSlot();
        m.put(TaskTable.HOLDER_POOL, holds ? s(pool) : null);
        m.put(TaskTable.DUE_MS, holds ? n(t.dueMs() == null ? t.createdMs() : t.dueMs()) : null);
        long finishedMs = t.completedMs() == null ? t.createdMs() : t.completedMs();
        m.put(TaskTable.TTL, t.state().terminal() ? n(finishedMs / 1000 + retentionSeconds) : null);
        return m;
    }

    /** SET for present attributes, REMOVE for absent ones. */
    static Update update(Map<String, AttributeValue> attributes) {
        List<String> sets = new ArrayList<>();
        List<String> removes = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
            String name = "#a" + i;
            names.put(name, e.getKey());
            if (e.getValue() == null) {
                removes.add(name);
            } else {
                sets.add(name + " = :v" + i);
                values.put(":v" + i, e.getValue());
            }
            i++;
        }
        String expression = "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
        return new Update(expression, names, values);
    }

    record Update(String expression, Map<String, String> names, Map<String, AttributeValue> values) {}

    static VideoTask task(Map<String, AttributeValue> item) {
        String errorCode = str(item, ERROR_CODE);
        String usage = str(item, USAGE);
        return new VideoTask(
                str(item, ID),
                str(item, TaskTable.TENANT),
                Json.read(str(item, SPEC), VideoSpec.class),
                num(item, TaskTable.CREATED_MS),
                TaskState.valueOf(str(item, STATE)),
                num(item, VERSION),
                optNum(item, TaskTable.DUE_MS),
                optNum(item, DISPATCHED_MS),
                optNum(item, SUBMIT_STARTED_MS),
                (int) num(item, ATTEMPTS),
                str(item, UPSTREAM_ID),
                optNum(item, SUBMITTED_MS),
                str(item, UPSTREAM_STATUS),
                optNum(item, RUN_ORIGIN_MS),
                (int) num(item, POLLS),
                (int) num(item, PROGRESS_FLOOR),
                optNum(item, COMPLETED_MS),
                str(item, VIDEO_URL),
                optNum(item, VIDEO_EXPIRES_MS),
                usage == null ? null : Json.read(usage, Usage.class),
                errorCode == null ? null : new TaskError(errorCode, str(item, ERROR_MESSAGE)));
    }

    static AttributeValue s(String value) {
        return value == null ? null : AttributeValue.fromS(value);
    }

    static AttributeValue n(Long value) {
        return value == null ? null : AttributeValue.fromN(Long.toString(value));
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }

    static Long optNum(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : Long.parseLong(v.n());
    }
}
