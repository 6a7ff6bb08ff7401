package io.wanvideo.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.model.VideoSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * The narrow seam to one account of a video-generation provider. Everything the provider says comes back in
 * the gateway's words ({@link UpstreamTask}, {@link UpstreamException.Kind}); a second provider is a new
 * implementation, a second account a second instance.
 */
public interface VideoUpstream {
    /** The account's name, recorded on every task it creates. */
    String account();

    AccountLimits limits();

    /**
     * @param spec a request whose media all carry URLs the provider can fetch
     * @return the upstream task id
     */
    String create(VideoSpec spec);

    UpstreamTask query(String upstreamTaskId);

    /** Cancels a task that has not started; {@link UpstreamException.Kind#NOT_CANCELLABLE} once it has. */
    void cancel(String upstreamTaskId);

    /** A cheap call that succeeds exactly when the account can be used (its key works). */
    void probe();

    /** The gate create calls for this pool pass through. */
    CallGate createGate(String pool);

    /** The gate queries (and probes and cancels) pass through. */
    CallGate queryGate();

    /** Whether the provider can list an account's tasks ({@link #listTasks}); without it, tasks are only polled. */
    default boolean listsTasks() {
        return false;
    }

    /**
     * One page of the account's tasks that the provider dates within [since, until], in every state: one call
     * answers for every task the account runs. The window must cover the tasks' creation (however the provider
     * dates them) and be at most a day long.
     *
     * @param page from 1
     * @throws UpstreamException {@link UpstreamException.Kind#UNRECOGNISED_ANSWER} when the answer is not understood
     */
    default TaskListing listTasks(Instant since, Instant until, int page) {
        throw new UnsupportedOperationException(account() + " cannot list its tasks");
    }

    /** The gate listings pass through. */
    default CallGate listGate() {
        return queryGate();
    }

    /** Whether the provider can push an event when a task ends ({@link #endedTaskOf}): README, "Completion events". */
    default boolean pushesCompletions() {
        return false;
    }

    /**
     * The upstream task a pushed completion event names, or empty when the event says its task has not ended.
     *
     * @throws UnreadableEventException when the event is not one this provider sends
     */
    default Optional<String> endedTaskOf(JsonNode event) {
        throw new UnsupportedOperationException(account() + " pushes no completion events");
    }
}
