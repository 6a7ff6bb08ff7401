package io.wanvideo.gateway.service;

/** Short-lived download links to results held in the gateway's storage, made when a client asks. */
public interface ResultLinks {
    /** No storage: results are only ever at the upstream's URL. */
    ResultLinks NONE = key -> {
        throw new IllegalStateException("no object store to link " + key);
    };

    String link(String key);
}
