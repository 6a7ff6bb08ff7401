package io.wanvideo.gateway.model;

/**
 * A generation task as the gateway stores it. Immutable: every change produces a new value with the
 * next version, and the store writes it only if the stored version is still the one it was derived from.
 *
 * @param dueMs          when the queue message that moves this task is due; the sweep re-enqueues a
 *                       slot-holding task whose message is long overdue
 * @param attempts       create calls that failed transiently (throttled, 5xx) so far
 * @param upstreamStatus the last raw task_status seen upstream (PENDING, RUNNING, or something unknown)
 * @param runOriginMs    the latest moment the upstream run can have started: the create time, moved
 *                       forward while the upstream still reports PENDING. Poll times and progress count from it.
 * @param progressFloor  the progress last shown; estimates never go below it, so progress never decreases
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
        String upstreamId,
        Long submittedMs,
        String upstreamStatus,
        Long runOriginMs,
        int polls,
        int progressFloor,
        Long completedMs,
        String videoUrl,
        Long videoExpiresMs,
        Usage usage,
        TaskError error) {

    /** A new task, queued in the backlog. */
    public static VideoTask queued(String id, String tenant, VideoSpec spec, long nowMs) {
        return new VideoTask(id, tenant, spec, nowMs, TaskState.QUEUED, 1, null, null, null, 0, null, null, null,
                null, 0, 0, null, null, null, null, null);
    }

    public VideoModel model() {
        return spec.model();
    }

    public PublicStatus publicStatus() {
        return switch (state) {
            case QUEUED, DISPATCHING, SUBMITTING -> PublicStatus.QUEUED;
            case RUNNING -> {
                if (upstreamStatus == null || "PENDING".equals(upstreamStatus)) {
                    yield PublicStatus.QUEUED;
                }
                yield "RUNNING".equals(upstreamStatus) ? PublicStatus.IN_PROGRESS : PublicStatus.UNKNOWN;
            }
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
        private String upstreamId;
        private Long submittedMs;
        private String upstreamStatus;
        private Long runOriginMs;
        private int polls;
        private int progressFloor;
        private Long completedMs;
        private String videoUrl;
        private Long videoExpiresMs;
        private Usage usage;
        private TaskError error;

        private Builder(VideoTask t) {
            from = t;
            state = t.state;
            dueMs = t.dueMs;
            dispatchedMs = t.dispatchedMs;
            submitStartedMs = t.submitStartedMs;
            attempts = t.attempts;
            upstreamId = t.upstreamId;
            submittedMs = t.submittedMs;
            upstreamStatus = t.upstreamStatus;
            runOriginMs = t.runOriginMs;
            polls = t.polls;
            progressFloor = t.progressFloor;
            completedMs = t.completedMs;
            videoUrl = t.videoUrl;
            videoExpiresMs = t.videoExpiresMs;
            usage = t.usage;
            error = t.error;
        }

        public Builder state(TaskState v) { state = v; return this; }
        public Builder dueMs(Long v) { dueMs = v; return this; }
        public Builder dispatchedMs(Long v) { dispatchedMs = v; return this; }
        public Builder submitStartedMs(Long v) { submitStartedMs = v; return this; }
        public Builder attempts(int v) { attempts = v; return this; }
        public Builder upstreamId(String v) { upstreamId = v; return this; }
        public Builder submittedMs(Long v) { submittedMs = v; return this; }
        public Builder upstreamStatus(String v) { upstreamStatus = v; return this; }
        public Builder runOriginMs(Long v) { runOriginMs = v; return this; }
        public Builder polls(int v) { polls = v; return this; }
        public Builder progressFloor(int v) { progressFloor = v; return this; }
        public Builder completedMs(Long v) { completedMs = v; return this; }
        public Builder videoUrl(String v) { videoUrl = v; return this; }
        public Builder videoExpiresMs(Long v) { videoExpiresMs = v; return this; }
        public Builder usage(Usage v) { usage = v; return this; }
        public Builder error(TaskError v) { error = v; return this; }

        public VideoTask build() {
            // A task that no longer holds a slot has no message due.
            Long due = state.holdsSlot() ? dueMs : null;
            return new VideoTask(from.id, from.tenant, from.spec, from.createdMs, state, from.version + 1, due,
                    dispatchedMs, submitStartedMs, attempts, upstreamId, submittedMs, upstreamStatus, runOriginMs,
                    polls, progressFloor, completedMs, videoUrl, videoExpiresMs, usage, error);
        }
    }
}
