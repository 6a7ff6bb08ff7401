package io.wanvideo.gateway.service;

import io.wanvideo.gateway.api.ModelObject;
import io.wanvideo.gateway.model.MediaType;
import io.wanvideo.gateway.model.ModelFamily;
import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.model.Resolution;
import io.wanvideo.gateway.model.VideoModel;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.validation.VideoContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GET /v1/models: generated from the tables the validator enforces ({@link VideoContract}), the prices the
 * finisher charges ({@link PriceTable}) and the slots the scheduler counts (as the poller last reported them), so
 * the catalogue cannot disagree with what the gateway does.
 */
public final class ModelCatalogue {
    /** The release of the wan2.7 snapshot (2026-04-25), the date these models are known by. */
    private static final long CREATED = 1_777_075_200L;

    private final PriceTable prices;
    private final AccountStates accounts;

    public ModelCatalogue(PriceTable prices, AccountStates accounts) {
        this.prices = prices;
        this.accounts = accounts;
    }

    public record Catalogue(String object, List<ModelObject> data) {}

    public Catalogue all() {
        return new Catalogue("list", Arrays.stream(VideoModel.values()).map(this::describe).toList());
    }

    /** @throws ModelNotFoundException for an unknown model */
    public ModelObject find(String id) {
        return VideoModel.byId(id).map(this::describe).orElseThrow(() -> new ModelNotFoundException(id));
    }

    ModelObject describe(VideoModel model) {
        boolean r2v = model.family() == ModelFamily.R2V;
        List<String> types = VideoContract.mediaTypes(model.family()).stream().map(MediaType::wire).toList();
        ModelObject.Media media = r2v
                ? new ModelObject.Media(types, null, VideoContract.MAX_REFERENCES, 1,
                        List.of(MediaType.REFERENCE_IMAGE.wire(), MediaType.REFERENCE_VIDEO.wire()))
                : new ModelObject.Media(types, VideoContract.I2V_COMBINATIONS.stream()
                        .map(set -> set.stream().map(MediaType::wire).toList()).toList(), null, null, null);
        ModelObject.Seconds seconds = new ModelObject.Seconds(VideoContract.MIN_SECONDS, VideoContract.MAX_SECONDS,
                r2v ? VideoContract.MAX_SECONDS_WITH_REFERENCE_VIDEO : null, VideoContract.DEFAULT_SECONDS);
        List<String> sizes = new ArrayList<>();
        for (Resolution r : Resolution.values()) {
            sizes.add(r.wire());
        }
        sizes.addAll(VideoContract.OPENAI_SIZES.keySet());
        Map<String, Double> price = new LinkedHashMap<>();
        for (Resolution r : Resolution.values()) {
            Optional.ofNullable(prices.perSecond(model, r)).ifPresent(p -> price.put(r.wire(), p));
        }
        return new ModelObject(model.id(), "model", CREATED, "alibaba", r2v ? "r2v" : "i2v", media, seconds, sizes,
                VideoContract.DEFAULT_SIZE.wire(), r2v ? VideoContract.RATIOS : null, r2v ? VideoContract.DEFAULT_RATIO : null,
                accounts.capacity(model.slotPool()).orElse(null), price);
    }
}
