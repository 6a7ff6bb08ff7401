package io.wanvideo.gateway.upstream;

import io.wanvideo.gateway.model.VideoSpec;

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
}
