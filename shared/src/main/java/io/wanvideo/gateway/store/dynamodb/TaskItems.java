package io.wanvideo.gateway.store.dynamodb;

import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.store.RunningTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps tasks to DynamoDB items and back. The handlers and services never see an AttributeValue. */
final class TaskItems {
    static final String KEY_PREFIX = "task#";

    static final String ID = "id";
    private static final String SPEC = "spec";
    /** The request as the task list shows it: the spec with media reduced to their types, no URLs or data. */
    static final String SUMMARY = "summary";
    static final String STATE = "state";
    static final String VERSION = "version";
    private static final String DISPATCHED_MS = "dispatched_ms";
    private static final String SUBMIT_STARTED_MS = "submit_started_ms";
    private static final String ATTEMPTS = "attempts";
    static final String ACCOUNT = "account";
    static final String FAIR_STEP = "fair_step";
    static final String UPSTREAM_ID = "upstream_id";
    private static final String SUBMITTED_MS = TaskTable.SUBMITTED_MS;
    static final String UPSTREAM_STATE = "upstream_state";
    static final String RUN_ORIGIN_MS = "run_origin_ms";
    private static final String POLLS = "polls";
    static final String PROGRESS_FLOOR = "progress_floor";
    static final String COMPLETED_MS = "completed_ms";
    static final String VIDEO_URL = "video_url";
    static final String VIDEO_EXPIRES_MS = "video_expires_ms";
    static final String USAGE = "usage";
    static final String ERROR_CODE = "error_code";
    static final String ERROR_MESSAGE = "error_message";
    static final String RESULT = "result";
    static final String WEBHOOK = "webhook";
    static final String EFFECTS_SHARD_VALUE = "effects";

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
        item.put(SUMMARY, s(Json.write(summary(task.spec()))));
        mutable(task, retentionSeconds).forEach((name, value) -> {
            if (value != null) {
                item.put(name, value);
            }
        });
        return item;
    }

    /** What the list needs of a request: its shown fields and the media types the expected run time depends on. */
    static VideoSpec summary(VideoSpec spec) {
        List<MediaItem> types = spec.media().stream().map(m -> new MediaItem(m.type(), "", null)).toList();
        return new VideoSpec(spec.model(), spec.prompt(), null, types, spec.size(), spec.ratio(), spec.seconds(),
                spec.promptExtend(), spec.watermark(), spec.seed(), spec.sizeLabel(), null);
    }

    /** The slot pool and tenant's backlog a queued task waits in. */
    static String backlogQueue(String pool, String tenant) {
        return pool + "#" + tenant;
    }

    /** The account and pool whose slot a task holds. */
    static String holderPool(String account, String pool) {
        return account + "#" + pool;
    }

    /**
     * Everything that can change after creation, with null for attributes to remove. The index
     * attributes follow from the state: a queued task is in its tenant's backlog, a slot holder in the
     * slot-holders index, a finished task in neither and due for expiry, and in the effects index while
     * its result copy or webhook is pending.
     */
    static Map<String, AttributeValue> mutable(VideoTask t, long retentionSeconds) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put(STATE, s(t.state().name()));
        m.put(VERSION, n(t.version()));
        m.put(DISPATCHED_MS, n(t.dispatchedMs()));
        m.put(SUBMIT_STARTED_MS, n(t.submitStartedMs()));
        m.put(ATTEMPTS, n((long) t.attempts()));
        m.put(ACCOUNT, s(t.account()));
        m.put(FAIR_STEP, n(t.fairStep()));
        m.put(UPSTREAM_ID, s(t.upstreamId()));
        m.put(SUBMITTED_MS, n(t.submittedMs()));
        m.put(UPSTREAM_STATE, t.upstreamState() == null ? null : s(t.upstreamState().name()));
        m.put(RUN_ORIGIN_MS, n(t.runOriginMs()));
        m.put(POLLS, n((long) t.polls()));
        m.put(PROGRESS_FLOOR, n((long) t.progressFloor()));
        m.put(COMPLETED_MS, n(t.completedMs()));
        m.put(VIDEO_URL, s(t.videoUrl()));
        m.put(VIDEO_EXPIRES_MS, n(t.videoExpiresMs()));
        m.put(USAGE, t.usage() == null ? null : s(Json.write(t.usage())));
        m.put(ERROR_CODE, t.error() == null ? null : s(t.error().code()));
        m.put(ERROR_MESSAGE, t.error() == null ? null : s(t.error().message()));
        m.put(RESULT, t.result() == null ? null : s(Json.write(t.result())));
        m.put(WEBHOOK, t.webhook() == null ? null : s(Json.write(t.webhook())));
        boolean queued = t.state() == TaskState.QUEUED;
        m.put(TaskTable.BACKLOG_POOL, queued ? s(backlogQueue(t.pool(), t.tenant())) : null);
        m.put(TaskTable.BACKLOG_SEQ, queued ? s(t.backlogSeq()) : null);
        boolean holds = t.state().holdsSlot();
        m.put(TaskTable.HOLDER_POOL, holds ? s(holderPool(t.account(), t.pool())) : null);
        m.put(TaskTable.DUE_MS, holds ? n(t.dueMs() == null ? t.createdMs() : t.dueMs()) : null);
        boolean running = t.state() == TaskState.RUNNING && t.upstreamId() != null && t.submittedMs() != null;
        m.put(TaskTable.RUNNING_ACCOUNT, running ? s(t.account()) : null);
        Long effectsDue = t.state().terminal() ? effectsDueMs(t) : null;
        m.put(TaskTable.EFFECTS_SHARD, effectsDue == null ? null : s(EFFECTS_SHARD_VALUE));
        m.put(TaskTable.EFFECTS_DUE_MS, n(effectsDue));
        long finishedMs = t.completedMs() == null ? t.createdMs() : t.completedMs();
        m.put(TaskTable.TTL, t.state().terminal() ? n(finishedMs / 1000 + retentionSeconds) : null);
        return m;
    }

    /** The earliest pending after-completion step, or null when none is pending. */
    static Long effectsDueMs(VideoTask t) {
        Long due = null;
        if (t.result() != null && t.result().isPending() && t.result().nextAttemptMs() != null) {
            due = t.result().nextAttemptMs();
        }
        if (t.webhook() != null && t.webhook().isPending() && t.webhook().nextAttemptMs() != null) {
            due = due == null ? t.webhook().nextAttemptMs() : Math.min(due, t.webhook().nextAttemptMs());
        }
        return due;
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

    /** A task from its item, or from its by-tenant index entry (where the summary stands in for the request). */
    static VideoTask task(Map<String, AttributeValue> item) {
        String errorCode = str(item, ERROR_CODE);
        String usage = str(item, USAGE);
        String result = str(item, RESULT);
        String webhook = str(item, WEBHOOK);
        String upstreamState = str(item, UPSTREAM_STATE);
        String spec = item.containsKey(SPEC) ? str(item, SPEC) : str(item, SUMMARY);
        return new VideoTask(
                str(item, ID),
                str(item, TaskTable.TENANT),
                Json.read(spec, VideoSpec.class),
                num(item, TaskTable.CREATED_MS),
                TaskState.valueOf(str(item, STATE)),
                num(item, VERSION),
                optNum(item, TaskTable.DUE_MS),
                optNum(item, DISPATCHED_MS),
                optNum(item, SUBMIT_STARTED_MS),
                (int) num(item, ATTEMPTS),
                str(item, ACCOUNT),
                num(item, FAIR_STEP),
                str(item, UPSTREAM_ID),
                optNum(item, SUBMITTED_MS),
                upstreamState == null ? null : UpstreamState.valueOf(upstreamState),
                optNum(item, RUN_ORIGIN_MS),
                (int) num(item, POLLS),
                (int) num(item, PROGRESS_FLOOR),
                optNum(item, COMPLETED_MS),
                str(item, VIDEO_URL),
                optNum(item, VIDEO_EXPIRES_MS),
                usage == null ? null : Json.read(usage, Usage.class),
                errorCode == null ? null : new TaskError(errorCode, str(item, ERROR_MESSAGE)),
                result == null ? null : Json.read(result, ResultCopy.class),
                webhook == null ? null : Json.read(webhook, WebhookDelivery.class));
    }

    /** A running task from its running index entry (an item written before summaries existed has none). */
    static RunningTask runningTask(Map<String, AttributeValue> item) {
        String summary = str(item, SUMMARY);
        return new RunningTask(str(item, ID), summary == null ? null : Json.read(summary, VideoSpec.class),
                str(item, UPSTREAM_ID), num(item, SUBMITTED_MS), optNum(item, RUN_ORIGIN_MS));
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
