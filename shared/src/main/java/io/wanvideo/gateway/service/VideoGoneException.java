package io.wanvideo.gateway.service;

/** The task completed, but no copy of its video is left (retention over, or the upstream URL expired). */
public final class VideoGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VideoGoneException(String message) {
        super(message, null, false, false);
    }
}
