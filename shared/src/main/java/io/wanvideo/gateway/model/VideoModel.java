package io.wanvideo.gateway.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The upstream models this gateway serves. */
public enum VideoModel {
    WAN27_R2V("wan2.7-r2v", ModelFamily.R2V, "wan2.7-r2v"),
    WAN27_I2V("wan2.7-i2v", ModelFamily.I2V, "wan2.7-i2v"),
    // The snapshot draws on the same upstream concurrency as wan2.7-i2v: DashScope documents the limit
    // "for wan2.7-i2v (and its snapshot)", so sharing one slot pool can never exceed it.
    WAN27_I2V_20260425("wan2.7-i2v-2026-04-25", ModelFamily.I2V, "wan2.7-i2v");

    private final String id;
    private final ModelFamily family;
    private final String slotPool;

    VideoModel(String id, ModelFamily family, String slotPool) {
        this.id = id;
        this.family = family;
        this.slotPool = slotPool;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public ModelFamily family() {
        return family;
    }

    /** The name of the upstream concurrency and create-rate pool this model draws on. */
    public String slotPool() {
        return slotPool;
    }

    @JsonCreator
    static VideoModel fromJson(String id) {
        return byId(id).orElseThrow(() -> new IllegalArgumentException("unknown model " + id));
    }

    public static Optional<VideoModel> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    /** Every distinct slot pool. */
    public static java.util.List<String> slotPools() {
        return Arrays.stream(values()).map(VideoModel::slotPool).distinct().toList();
    }

    public static String idList() {
        return Arrays.stream(values()).map(VideoModel::id).collect(Collectors.joining(", "));
    }
}
