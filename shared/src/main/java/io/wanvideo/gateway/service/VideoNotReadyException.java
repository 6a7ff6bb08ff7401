package io.wanvideo.gateway.service;

/** The video's content was asked for before the task completed. */
public final class VideoNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VideoNotReadyException(String message) {
        super(message, null, false, false);
    }
}
