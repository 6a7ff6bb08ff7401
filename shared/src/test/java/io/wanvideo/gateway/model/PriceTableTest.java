package io.wanvideo.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a finished task cost (README, "Cost"): DashScope's list prices unless PRICE_TABLE says otherwise. */
class PriceTableTest {
    @Test
    void dashScopesListPricesForEveryModel() {
        PriceTable prices = PriceTable.dashScope();
        for (VideoModel model : VideoModel.values()) {
            assertThat(prices.perSecond(model, Resolution.P720)).as("%s", model).isEqualTo(0.10);
            assertThat(prices.perSecond(model, Resolution.P1080)).as("%s", model).isEqualTo(0.15);
        }
    }

    @Test
    void aTableReplacesTheModelsItNamesAndOnlyThose() {
        PriceTable prices = PriceTable.parse("{\"wan2.7-r2v\":{\"720p\":0.2},\"wan2.7-i2v\":{\"720P\":0,\"1080P\":1.5}}");
        assertThat(prices.perSecond(VideoModel.WAN27_R2V, Resolution.P720)).isEqualTo(0.2);
        assertThat(prices.perSecond(VideoModel.WAN27_R2V, Resolution.P1080)).as("not in the table").isNull();
        assertThat(prices.perSecond(VideoModel.WAN27_I2V, Resolution.P720)).isEqualTo(0.0);
        assertThat(prices.perSecond(VideoModel.WAN27_I2V, Resolution.P1080)).isEqualTo(1.5);
        assertThat(prices.perSecond(VideoModel.WAN27_I2V_20260425, Resolution.P1080)).isEqualTo(0.15);
    }

    @Test
    void aTableThatIsNotOneIsRefusedAtStartUp() {
        assertRefused("{", "PRICE_TABLE is not valid JSON");
        assertRefused("[1]", "PRICE_TABLE must be an object of models");
        assertRefused("{\"sora-2\":{}}", "PRICE_TABLE names an unknown model sora-2");
        assertRefused("{\"wan2.7-r2v\":{\"4K\":1}}", "PRICE_TABLE names an unknown size 4K");
        assertRefused("{\"wan2.7-r2v\":{\"720P\":-0.01}}", "PRICE_TABLE prices must be non-negative numbers");
        assertRefused("{\"wan2.7-r2v\":{\"720P\":\"0.1\"}}", "PRICE_TABLE prices must be non-negative numbers");
    }

    private static void assertRefused(String table, String message) {
        assertThatThrownBy(() -> PriceTable.parse(table)).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }

    @Test
    void theCostIsBilledSecondsTimesThePriceToAHundredthOfACent() {
        PriceTable prices = PriceTable.parse("{\"wan2.7-r2v\":{\"720P\":0.12345}}");
        assertThat(prices.priced(VideoModel.WAN27_R2V, Resolution.P720, new Usage(2, 5, 7, null)))
                .isEqualTo(new Usage(2, 5, 7, 0.8642));
        // Half a hundredth of a cent rounds up: 0.00005 × 1.
        assertThat(PriceTable.parse("{\"wan2.7-r2v\":{\"720P\":0.00005}}").priced(VideoModel.WAN27_R2V, Resolution.P720,
                new Usage(0, 1, 1, null)).cost()).isEqualTo(0.0001);
        assertThat(PriceTable.dashScope().priced(VideoModel.WAN27_I2V, Resolution.P1080, new Usage(0, 10, 10, null)).cost())
                .isEqualTo(1.5);
    }

    @Test
    void withoutAPriceOrUsageNothingIsPriced() {
        PriceTable prices = PriceTable.parse("{\"wan2.7-r2v\":{\"720P\":0.1}}");
        Usage usage = new Usage(0, 5, 5, null);
        assertThat(prices.priced(VideoModel.WAN27_R2V, Resolution.P1080, usage)).isSameAs(usage);
        assertThat(prices.priced(VideoModel.WAN27_R2V, Resolution.P720, null)).isNull();
    }
}
