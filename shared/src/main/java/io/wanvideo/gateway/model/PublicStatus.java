package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** The `status` of the public task object. */
public enum PublicStatus {
    QUEUED("queued"),
    IN_PROGRESS("in_progress"),
    COMPLETED("completed"),
    FAILED("failed"),
    /** An upstream status we do not recognise; not terminal. */
    UNKNOWN("unknown");

    private final String wire;

    PublicStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
