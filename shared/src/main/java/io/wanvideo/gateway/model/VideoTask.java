package io.wanvideo.gateway.model;

/**
 * A generation task as the gateway stores it. Immutable: every change produces a new value with the
 * next version, and the store writes it only if the stored version is still the one it was derived from.
 *
 * @param dueMs          when the queue message that moves this task is due; the sweep re-enqueues a
 *                       slot-holding task whose message is long overdue
 * @param attempts       create calls that failed transiently (throttled, 5xx) so far, or failed queries in a row
 * @param account        the upstream account whose slot the task holds (or held): it created the task upstream,
 *                       and polls and cancels go to it. Null while the task waits in the backlog.
 * @param fairStep       what the task adds to its tenant's load while it holds a slot (fair share; see the store)
 * @param upstreamState  the last state seen upstream, in the gateway's words
 * @param runOriginMs    the latest moment the upstream run can have started: the create time, moved
 *                       forward while the upstream still reports the task waiting. Poll times and progress count from it.
 * @param progressFloor  the progress last shown; estimates never go below it, so progress never decreases
 * @param videoUrl       the upstream's result URL (valid until videoExpiresMs)
 * @param result         the copy of the video into the gateway's storage; null when copying is off
 * @param webhook        the completion event and its delivery; null when no endpoint was given
 */
public record VideoTask(
        String id,
        String tenant,
        VideoSpec spec,
        long createdMs,
        TaskState state,
        long version,
        Long dueMs,
        Long dispatchedMs,
        Long submitStartedMs,
        int attempts,
        String account,
        long fairStep,
        String upstreamId,
        Long submittedMs,
        UpstreamState upstreamState,
        Long runOriginMs,
        int polls,
        int progressFloor,
        Long completedMs,
        String videoUrl,
        Long videoExpiresMs,
        Usage usage,
        TaskError error,
        ResultCopy result,
        WebhookDelivery webhook) {

    /** What one running task adds to its tenant's load at weight 1 (see the store's fair share). */
    public static final long UNIT_FAIR_STEP = 10_000_000_000_000L;

    /**
     * A new task, queued in the backlog.
     *
     * @param fairStep what it will add to its tenant's load while it runs: the unit divided by the tenant's weight
     */
    public static VideoTask queued(String id, String tenant, VideoSpec spec, long nowMs, long fairStep) {
        return new VideoTask(id, tenant, spec, nowMs, TaskState.QUEUED, 1, null, null, null, 0, null, fairStep, null, null,
                null, null, 0, 0, null, null, null, null, null, null, null);
    }

    /** A new task of a tenant at weight 1. */
    public static VideoTask queued(String id, String tenant, VideoSpec spec, long nowMs) {
        return queued(id, tenant, spec, nowMs, UNIT_FAIR_STEP);
    }

    public VideoModel model() {
        return spec.model();
    }

    /** The slot pool the task draws on. */
    public String pool() {
        return spec.model().slotPool();
    }

    public PublicStatus publicStatus() {
        return switch (state) {
            case QUEUED, DISPATCHING, SUBMITTING -> PublicStatus.QUEUED;
            case RUNNING -> upstreamState == null || upstreamState == UpstreamState.WAITING ? PublicStatus.QUEUED
                    : upstreamState == UpstreamState.UNRECOGNISED ? PublicStatus.UNKNOWN
                    : PublicStatus.IN_PROGRESS;
            case COMPLETED -> PublicStatus.COMPLETED;
            case FAILED -> PublicStatus.FAILED;
        };
    }

    /** Backlog order: submission time, then id for tasks submitted in the same millisecond. */
    public String backlogSeq() {
        return String.format("%015d#%s", createdMs, id);
    }

    public Builder next() {
        return new Builder(this);
    }

    /** Derives the next version of a task; {@link #build()} bumps the version. */
    public static final class Builder {
        private final VideoTask from;
        private TaskState state;
        private Long dueMs;
        private Long dispatchedMs;
        private Long submitStartedMs;
        private int attempts;
        private String account;
        private long fairStep;
        private String upstreamId;
        private Long submittedMs;
        private UpstreamState upstreamState;
        private Long runOriginMs;
        private int polls;
        private int progressFloor;
        private Long completedMs;
        private String videoUrl;
        private Long videoExpiresMs;
        private Usage usage;
        private TaskError error;
        private ResultCopy result;
        private WebhookDelivery webhook;

        private Builder(VideoTask t) {
            from = t;
            state = t.state;
            dueMs = t.dueMs;
            dispatchedMs = t.dispatchedMs;
            submitStartedMs = t.submitStartedMs;
            attempts = t.attempts;
            account = t.account;
            fairStep = t.fairStep;
            upstreamId = t.upstreamId;
            submittedMs = t.submittedMs;
            upstreamState = t.upstreamState;
            runOriginMs = t.runOriginMs;
            polls = t.polls;
            progressFloor = t.progressFloor;
            completedMs = t.completedMs;
            videoUrl = t.videoUrl;
            videoExpiresMs = t.videoExpiresMs;
            usage = t.usage;
            error = t.error;
            result = t.result;
            webhook = t.webhook;
        }

        public Builder state(TaskState v) { state = v; return this; }
        public Builder dueMs(Long v) { dueMs = v; return this; }
        public Builder dispatchedMs(Long v) { dispatchedMs = v; return this; }
        public Builder submitStartedMs(Long v) { submitStartedMs = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder account(String v) { account = v; return this; }
        public Builder fairStep(long v) { fairStep = v; return this; }
        public Builder upstreamId(String v) { upstreamId = v; return this; }
        public Builder submittedMs(Long v) { submittedMs = v; return this; }
        public Builder upstreamState(UpstreamState v) { upstreamState = v; return this; }
        public Builder runOriginMs(Long v) { runOriginMs = v; return this; }
        public Builder polls(int v) { polls = v; return this; }
        public Builder progressFloor(int v) { progressFloor = v; return this; }
        public Builder completedMs(Long v) { completedMs = v; return this; }
        public Builder videoUrl(String v) { videoUrl = v; return this; }
        public Builder videoExpiresMs(Long v) { videoExpiresMs = v; return this; }
        public Builder usage(Usage v) { usage = v; return this; }
        public Builder error(TaskError v) { error = v; return this; }
        public Builder result(ResultCopy v) { result = v; return this; }
        public Builder webhook(WebhookDelivery v) { webhook = v; return this; }

        public VideoTask build() {
            // A task that no longer holds a slot has no message due.
            Long due = state.holdsSlot() ? dueMs : null;
            return new VideoTask(from.id, from.tenant, from.spec, from.createdMs, state, from.version + 1, due,
                    dispatchedMs, submitStartedMs, attempts, account, fairStep, upstreamId, submittedMs, upstreamState,
                    runOriginMs, polls, progressFloor, completedMs, videoUrl, videoExpiresMs, usage, error, result, webhook);
        }
    }
}
