package io.wanvideo.gateway.service;

/** No such model. */
public final class ModelNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String id;

    public ModelNotFoundException(String id) {
        super("no model " + id, null, false, false);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
