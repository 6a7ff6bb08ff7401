package io.wanvideo.dashscope.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * DashScope's asynchronous video service as a clock-driven model, without HTTP: tasks and their timeline, the
 * limits of each account (one API key is one account here), retention, cancel, the batch listing and the expiry
 * of result URLs. Time comes only from the clock it is given, so a test can drive it with a fake one.
 */
final class SimulatedDashScope {
    /** The region the listing reports; Singapore, the gateway's default endpoint. */
    static final String REGION = "ap-southeast-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A task as seen at one moment; {@code task} is null when the caller's account has no such task. */
    record TaskAt(SimTask task, String status) {}

    /** One page of the listing. */
    record TaskPage(List<TaskAt> items, int total, int pageNo, int pageSize) {
        int totalPages() {
            return (total + pageSize - 1) / pageSize;
        }
    }

    private final SimulatorSettings settings;
    private final LongSupplier clock;
    private final TaskJournal journal;
    private final Map<String, SimTask> tasks = new LinkedHashMap<>();
    private final Map<String, RateWindow> windows = new HashMap<>();

    SimulatedDashScope(SimulatorSettings settings, LongSupplier clock, TaskJournal journal) {
        this.settings = settings;
        this.clock = clock;
        this.journal = journal;
        journal.loaded().forEach(t -> tasks.put(t.id(), t));
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * Accepts a create for {@code key}'s account, or refuses it with 429 beyond the account's create rate or (in
     * REJECT mode) its concurrency for the model. Prompt directives steer the task: sim:pending=S, sim:run=S,
     * sim:fail=CODE.
     */
    synchronized SimTask create(ApiKey key, CreateRules.Accepted request, List<MediaReceipt> media, String inputsDigest,
            String requestId) {
        long now = now();
        RateWindow window = window(key, "create#" + request.model());
        if (!window.hasRoom(now, settings.createsPerSecond())) {
            throw Refusal.throttled();
        }
        List<Long> busyUntil = tasks.values().stream()
                .filter(t -> t.keyLabel().equals(key.label()) && t.model().equals(request.model()) && t.activeAt(now))
                .map(SimTask::releasedMs).sorted().toList();
        long start = now;
        if (busyUntil.size() >= settings.concurrencyPerModel()) {
            if (settings.concurrencyMode() == SimulatorSettings.ConcurrencyMode.REJECT) {
                throw new Refusal(429, "Throttling.RateQuota",
                        "Too many running tasks for " + request.model() + ", please try again later.");
            }
            // Queued: starts when enough of the account's earlier tasks have finished.
            start = busyUntil.get(busyUntil.size() - settings.concurrencyPerModel());
        }
        window.tryAdmit(now, settings.createsPerSecond());
        double pending = directive(request.prompt(), "pending", settings.pendingSeconds());
        double runDefault = settings.runSecondsMin()
                + ThreadLocalRandom.current().nextDouble() * (settings.runSecondsMax() - settings.runSecondsMin());
        double run = directive(request.prompt(), "run", runDefault);
        long startMs = start + Math.round(pending * 1000);
        long endMs = startMs + Math.round(run * 1000);
        List<String> fail = CreateRules.directives(request.prompt(), "fail");
        SimTask task = new SimTask(UUID.randomUUID().toString(), key.label(), requestId, request.model(), request.prompt(),
                request.duration(), request.resolution(), request.ratio(), request.referenceVideos(), now, startMs, endMs,
                fail.isEmpty() ? null : fail.get(0), SimTask.NOT_CANCELED, inputsDigest, media);
        journal.created(task);
        tasks.put(task.id(), task);
        return task;
    }

    /** A task query, within the account's query rate; another account's task is as unknown as a missing one. */
    synchronized TaskAt query(ApiKey key, String id) {
        long now = now();
        admit(key, "query", settings.queriesPerSecond(), now);
        SimTask task = visible(key, id);
        return new TaskAt(task, task == null ? "UNKNOWN" : task.status(now, retentionMs()));
    }

    /** Cancels a PENDING task of the account; it frees its concurrency at once. */
    synchronized SimTask cancel(ApiKey key, String id) {
        long now = now();
        SimTask task = visible(key, id);
        String refused = "Failed to cancel the task, please confirm if the task is in PENDING status. ";
        if (task == null) {
            throw new Refusal(400, "UnsupportedOperation", refused + "No such task: " + id + ".");
        }
        if (task.expiredAt(now, retentionMs())) {
            throw new Refusal(400, "UnsupportedOperation", refused + "Task " + id + " has expired: it is older than the "
                    + describe(settings.retention()) + " retention period.");
        }
        String status = task.outcome(now);
        if (!status.equals("PENDING")) {
            throw new Refusal(400, "UnsupportedOperation", refused + "Task " + id + " is " + status + ".");
        }
        SimTask canceled = task.canceledAt(now);
        journal.canceled(id, now);
        tasks.put(id, canceled);
        return canceled;
    }

    /** The batch listing: the account's tasks within retention that match, newest first, one page of them. */
    synchronized TaskPage list(ApiKey key, Map<String, String> params) {
        long now = now();
        admit(key, "list", settings.listsPerSecond(), now);
        ListQuery query = ListQuery.parse(params, now);
        List<TaskAt> matching = tasks.values().stream()
                .filter(t -> t.keyLabel().equals(key.label()) && !t.expiredAt(now, retentionMs()))
                .map(t -> new TaskAt(t, t.status(now, retentionMs())))
                .filter(t -> query.matches(t.task(), t.status()))
                .sorted(Comparator.comparingLong((TaskAt t) -> t.task().createdMs()).reversed()
                        .thenComparing(t -> t.task().id()))
                .toList();
        int from = (int) Math.min((long) (query.pageNo() - 1) * query.pageSize(), matching.size());
        int to = Math.min(from + query.pageSize(), matching.size());
        return new TaskPage(matching.subList(from, to), matching.size(), query.pageNo(), query.pageSize());
    }

    /**
     * The tasks that reached their terminal state (SUCCEEDED or FAILED at their end, CANCELED when cancelled) in
     * (afterMs, upToMs], earliest first; what {@link CompletionEvents} reports. Tasks past retention are left out:
     * DashScope has forgotten them, so there is nothing left to announce.
     */
    synchronized List<SimTask> endedBetween(long afterMs, long upToMs) {
        long now = now();
        return tasks.values().stream()
                .filter(t -> t.releasedMs() > afterMs && t.releasedMs() <= upToMs && !t.expiredAt(now, retentionMs()))
                .sorted(Comparator.comparingLong(SimTask::releasedMs).thenComparing(SimTask::id))
                .toList();
    }

    /** The path and signed query of a succeeded task's video; it stays valid for the URL TTL after the task ended. */
    String videoPath(SimTask task) {
        return ResultUrl.signedPath(task.id(), urlExpiresEpochSeconds(task));
    }

    long urlExpiresEpochSeconds(SimTask task) {
        return Math.floorDiv(task.endMs() + settings.urlTtl().toMillis() + 999, 1000);
    }

    /** What a download of a result URL finds now: checked as OSS checks a signed URL. */
    synchronized ResultUrl.Access videoAccess(String id, String expires, String signature) {
        if (expires == null && signature == null) {
            return ResultUrl.Access.UNSIGNED;
        }
        if (expires == null || expires.isBlank()) {
            return ResultUrl.Access.NO_EXPIRES;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return ResultUrl.Access.BAD_EXPIRES;
        }
        long now = now();
        if (Math.floorDiv(now, 1000) > expiresAt) {
            return ResultUrl.Access.EXPIRED;
        }
        if (!ResultUrl.signature(id, expiresAt).equals(signature)) {
            return ResultUrl.Access.BAD_SIGNATURE;
        }
        SimTask task = tasks.get(id);
        if (task == null || !task.outcome(now).equals("SUCCEEDED")) {
            return ResultUrl.Access.NO_SUCH_KEY;
        }
        return ResultUrl.Access.GRANTED;
    }

    /** The per-task timeline, oldest first; the same JSON as GET /_sim/tasks. */
    synchronized List<Map<String, Object>> tasks() {
        long now = now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (SimTask t : tasks.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task_id", t.id());
            m.put("key", t.keyLabel());
            m.put("model", t.model());
            // What the caller sent, so a test or benchmark can tell which of its requests each upstream task is.
            m.put("prompt", t.prompt());
            m.put("created_ms", t.createdMs());
            m.put("start_ms", t.startMs());
            m.put("end_ms", t.releasedMs());
            if (t.canceledMs() >= 0) {
                m.put("canceled_ms", t.canceledMs());
            }
            m.put("status", t.status(now, retentionMs()));
            m.put("request_id", t.requestId());
            m.put("inputs_digest", t.inputsDigest());
            List<Map<String, Object>> media = new ArrayList<>();
            for (MediaReceipt r : t.media()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("field", r.field());
                item.put("type", r.type());
                item.put("url", r.url());
                item.put("source", r.source());
                item.put("bytes", r.bytes());
                item.put("sha256", r.sha256());
                media.add(item);
            }
            m.put("media", media);
            out.add(m);
        }
        return out;
    }

    /**
     * Task figures, overall, per model and per key; {@code throttledPerKey} (from the call log) joins the per-key
     * figures, so a key that was only ever throttled shows too.
     */
    synchronized ObjectNode stats(Map<String, Long> throttledPerKey) {
        long now = now();
        List<SimTask> all = List.copyOf(tasks.values());
        ObjectNode root = JSON.createObjectNode();
        root.put("tasks_created", all.size());
        root.put("running_now", all.stream().filter(t -> "RUNNING".equals(t.status(now, retentionMs()))).count());
        root.put("active_now", all.stream().filter(t -> t.activeAt(now)).count());
        root.put("max_concurrent", maxOverlap(all, false));
        root.put("max_running", maxOverlap(all, true));
        perModel(root.putObject("per_model"), all);
        ObjectNode perKey = root.putObject("per_key");
        TreeSet<String> labels = new TreeSet<>(throttledPerKey.keySet());
        all.forEach(t -> labels.add(t.keyLabel()));
        for (String label : labels) {
            List<SimTask> ofKey = all.stream().filter(t -> t.keyLabel().equals(label)).toList();
            ObjectNode k = perKey.putObject(label);
            k.put("tasks_created", ofKey.size());
            k.put("active_now", ofKey.stream().filter(t -> t.activeAt(now)).count());
            k.put("max_concurrent", maxOverlap(ofKey, false));
            k.put("max_running", maxOverlap(ofKey, true));
            k.put("throttled", throttledPerKey.getOrDefault(label, 0L));
            perModel(k.putObject("per_model"), ofKey);
        }
        return root;
    }

    /** Forgets every task and rate window, on disk too. */
    synchronized void reset() {
        tasks.clear();
        windows.clear();
        journal.clear();
    }

    private void perModel(ObjectNode into, List<SimTask> list) {
        TreeMap<String, List<SimTask>> byModel = new TreeMap<>();
        CreateRules.MODELS.forEach(m -> byModel.put(m, new ArrayList<>()));
        list.forEach(t -> byModel.computeIfAbsent(t.model(), m -> new ArrayList<>()).add(t));
        byModel.forEach((model, ofModel) -> {
            ObjectNode m = into.putObject(model);
            m.put("tasks_created", ofModel.size());
            m.put("max_concurrent", maxOverlap(ofModel, false));
            m.put("max_running", maxOverlap(ofModel, true));
        });
    }

    /** The largest number of tasks holding capacity (accepted and unfinished; or running) at one moment. */
    private static int maxOverlap(List<SimTask> list, boolean runningOnly) {
        List<long[]> events = new ArrayList<>();
        for (SimTask t : list) {
            long from = runningOnly ? t.startMs() : t.createdMs();
            long to = t.releasedMs();
            if (to > from) {
                events.add(new long[] {from, 1});
                events.add(new long[] {to, -1});
            }
        }
        // Ends sort before starts at the same instant: a slot freed and taken at once is not an overlap.
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int max = 0;
        for (long[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    private SimTask visible(ApiKey key, String id) {
        SimTask task = tasks.get(id);
        return task != null && task.keyLabel().equals(key.label()) ? task : null;
    }

    private void admit(ApiKey key, String call, int limit, long now) {
        if (!window(key, call).tryAdmit(now, limit)) {
            throw Refusal.throttled();
        }
    }

    private RateWindow window(ApiKey key, String call) {
        return windows.computeIfAbsent(key.label() + "#" + call, k -> new RateWindow());
    }

    private long retentionMs() {
        return settings.retention().toMillis();
    }

    private static double directive(String prompt, String name, double fallback) {
        List<String> values = CreateRules.directives(prompt, name);
        if (values.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(values.get(0));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("sim:" + name + " needs a number of seconds.");
        }
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 3600 == 0 ? d.toHours() + " h" : d.toSeconds() + " s";
    }
}
