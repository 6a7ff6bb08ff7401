package io.wanvideo.gateway.service;

/** No such task for this tenant (another tenant's task is not found either). */
public final class VideoNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String id;

    public VideoNotFoundException(String id) {
        super("no video " + id, null, false, false);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
