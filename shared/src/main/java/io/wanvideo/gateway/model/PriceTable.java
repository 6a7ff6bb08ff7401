package io.wanvideo.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What the upstream charges per billed second, by model and size (README, "Cost"). DashScope bills per second of
 * output video, and r2v also the seconds of its reference videos (capped at 5), which its usage reports as
 * billed seconds; failed tasks are free. Defaults are DashScope's Singapore list prices; PRICE_TABLE overrides
 * them as JSON, {"wan2.7-r2v": {"720P": 0.10, "1080P": 0.15}, ...}.
 */
public final class PriceTable {
    private static final Map<Resolution, Double> DASHSCOPE = Map.of(Resolution.P720, 0.10, Resolution.P1080, 0.15);

    private final Map<VideoModel, Map<Resolution, Double>> usdPerSecond;

    private PriceTable(Map<VideoModel, Map<Resolution, Double>> usdPerSecond) {
        this.usdPerSecond = usdPerSecond;
    }

    public static PriceTable dashScope() {
        Map<VideoModel, Map<Resolution, Double>> prices = new EnumMap<>(VideoModel.class);
        for (VideoModel model : VideoModel.values()) {
            prices.put(model, new EnumMap<>(DASHSCOPE));
        }
        return new PriceTable(prices);
    }

    /** The defaults with the given models' prices replaced. */
    public static PriceTable parse(String json) {
        PriceTable table = dashScope();
        JsonNode root;
        try {
            root = Json.tree(json);
        } catch (IOException e) {
            throw new IllegalStateException("PRICE_TABLE is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("PRICE_TABLE must be an object of models");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> model = it.next();
            VideoModel m = VideoModel.byId(model.getKey())
                    .orElseThrow(() -> new IllegalStateException("PRICE_TABLE names an unknown model " + model.getKey()));
            Map<Resolution, Double> sizes = new EnumMap<>(Resolution.class);
            for (Iterator<Map.Entry<String, JsonNode>> s = model.getValue().fields(); s.hasNext(); ) {
                Map.Entry<String, JsonNode> size = s.next();
                Resolution r = Resolution.parse(size.getKey())
                        .orElseThrow(() -> new IllegalStateException("PRICE_TABLE names an unknown size " + size.getKey()));
                if (!size.getValue().isNumber() || size.getValue().doubleValue() < 0) {
                    throw new IllegalStateException("PRICE_TABLE prices must be non-negative numbers");
                }
                sizes.put(r, size.getValue().doubleValue());
            }
            table.usdPerSecond.put(m, sizes);
        }
        return table;
    }

    /** USD per billed second, or null where the table has no price. */
    public Double perSecond(VideoModel model, Resolution size) {
        return usdPerSecond.getOrDefault(model, Map.of()).get(size);
    }

    /** The usage with its cost: billed seconds times the price, to a hundredth of a cent. */
    public Usage priced(VideoModel model, Resolution size, Usage usage) {
        Double price = perSecond(model, size);
        if (usage == null || price == null) {
            return usage;
        }
        double cost = BigDecimal.valueOf(usage.billedSeconds()).multiply(BigDecimal.valueOf(price))
                .setScale(4, RoundingMode.HALF_UP).doubleValue();
        return usage.withCost(cost);
    }
}
