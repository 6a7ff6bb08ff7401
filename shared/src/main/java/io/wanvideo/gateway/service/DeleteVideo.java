package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * DELETE /v1/videos/{id}. A task waiting in the backlog, or holding a slot before its create, is removed at once;
 * one accepted upstream but not started is cancelled there first (the upstream cancels only waiting tasks); one
 * running upstream cannot be cancelled. A finished task's record and stored video are removed. Whatever it held
 * (a slot, its place in its tenant's counts) is given back in the same transaction that removes it, and a freed
 * slot is offered to the backlog at once.
 */
public final class DeleteVideo {
    private static final Logger LOG = LogManager.getLogger(DeleteVideo.class);
    private static final int ATTEMPTS = 5;

    private final TaskStore store;
    private final TaskQueue queue;
    private final LookupVideo lookup;
    private final Supplier<Upstreams> upstreams;
    private final CallGates gates;
    private final TaskObjects objects;

    /** @param upstreams built on the first cancel that needs one: most deletes never call upstream */
    public DeleteVideo(TaskStore store, TaskQueue queue, LookupVideo lookup, Supplier<Upstreams> upstreams, RateGate rates,
            TaskObjects objects) {
        this.store = store;
        this.queue = queue;
        this.lookup = lookup;
        this.upstreams = upstreams;
        this.gates = new CallGates(rates);
        this.objects = objects;
    }

    public record Deleted(String id, String object, boolean deleted) {}

    /**
     * @throws VideoNotFoundException       unknown, or another tenant's
     * @throws TaskNotCancellableException  started upstream (or being created there right now)
     * @throws UpstreamUnavailableException the upstream could not be asked to cancel now
     */
    public Deleted delete(String tenant, String id) {
        boolean cancelled = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            VideoTask task = lookup.owned(tenant, id);
            if (task.state() == TaskState.SUBMITTING) {
                throw new TaskNotCancellableException("The task is being created upstream right now; try again in a few "
                        + "seconds.");
            }
            if (task.state() == TaskState.RUNNING && !cancelled) {
                cancelUpstream(task);
                cancelled = true;
            }
            if (store.delete(task)) {
                LOG.info("task {} of {} deleted in state {}", id, tenant, task.state());
                if (task.state().holdsSlot()) {
                    queue.send(TaskMessage.fill(task.pool()), 0);
                }
                objects.deleteAll(task);
                return new Deleted(id, "video.deleted", true);
            }
            // It moved on while we looked: look again.
        }
        throw new UpstreamUnavailableException("The task kept changing while it was being deleted; try again.", 1);
    }

    private void cancelUpstream(VideoTask task) {
        VideoUpstream upstream = upstreams.get().get(task.account());
        long wait = gates.acquire(upstream.queryGate());
        if (wait > 0) {
            throw new UpstreamUnavailableException("The upstream's rate limit is reached; try again shortly.",
                    (int) Math.max(1, (wait + 999) / 1000));
        }
        try {
            upstream.cancel(task.upstreamId());
        } catch (UpstreamException e) {
            switch (e.kind()) {
                case NOT_CANCELLABLE -> throw new TaskNotCancellableException("The task has started upstream and cannot "
                        + "be cancelled; delete it once it has finished.");
                case NOT_FOUND -> LOG.info("task {}: upstream {} already gone; deleting", task.id(), task.upstreamId());
                default -> throw new UpstreamUnavailableException("The upstream could not be asked to cancel the task ("
                        + e.kind().name().toLowerCase(java.util.Locale.ROOT) + "); try again shortly.", 5);
            }
        }
    }
}
