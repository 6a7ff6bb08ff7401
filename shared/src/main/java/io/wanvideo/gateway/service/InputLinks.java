package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.VideoSpec;

/**
 * Turns inputs the gateway holds in its storage into URLs the upstream can fetch, when the task is dispatched
 * (not at submission: a backlog can outlast any URL made then).
 */
public interface InputLinks {
    /** No storage: every media item must already carry a URL. */
    InputLinks NONE = spec -> {
        if (spec.media().stream().anyMatch(m -> m.url() == null)) {
            throw new IllegalStateException("a stored input needs an object store to be linked");
        }
        return spec;
    };

    /** @return the spec with every stored input replaced by a URL valid long enough for the upstream to fetch it */
    VideoSpec resolve(VideoSpec spec);
}
