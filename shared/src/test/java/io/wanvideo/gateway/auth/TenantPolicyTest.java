package io.wanvideo.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tenant limits (README, "Tenants"), and the keys they are found by. */
class TenantPolicyTest {
    @Test
    void limitsArePositiveAndTheWeightWithinAHundredfoldEitherWay() {
        assertThatCode(() -> new TenantPolicy(1, 1, 0.01, null)).doesNotThrowAnyException();
        assertThatCode(() -> new TenantPolicy(1, 1, 100, null)).doesNotThrowAnyException();
        for (Runnable nonsense : new Runnable[] {
                () -> new TenantPolicy(0, 1, 1, null),
                () -> new TenantPolicy(1, 0, 1, null),
                () -> new TenantPolicy(1, 1, 0.0099, null),
                () -> new TenantPolicy(1, 1, 100.01, null),
                () -> new TenantPolicy(1, 1, Double.NaN, null)}) {
            assertThatThrownBy(nonsense::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("tenant limits must be positive and the weight within [0.01, 100]");
        }
    }

    @Test
    void aTenantsFairStepIsTheUnitOverItsWeight() {
        assertThat(new TenantPolicy(1, 1, 1, null).fairStep()).isEqualTo(10_000_000_000_000L);
        assertThat(new TenantPolicy(1, 1, 2, null).fairStep()).isEqualTo(5_000_000_000_000L);
        assertThat(new TenantPolicy(1, 1, 3, null).fairStep()).isEqualTo(3_333_333_333_333L);
        assertThat(new TenantPolicy(1, 1, 0.01, null).fairStep()).isEqualTo(1_000_000_000_000_000L);
    }

    @Test
    void keysAreHashedAsSha256sumPrintsThem() {
        // printf %s "$KEY" | sha256sum
        assertThat(ApiKeys.hash("sk-wan-test")).isEqualTo("8123ebda597c8c675faeac32aad5ebb616c75ba01616a64e40da78e1319baccc");
        assertThat(ApiKeys.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(ApiKeys.hash("ключ")).as("UTF-8").isEqualTo("1de36a32af798da0c1ac9297603a320ed8fe567cf21c9177112a4ce914ebb8be");
    }

    @Test
    void generatedKeysAreRandomHex() {
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = ApiKeys.generate();
            assertThat(key).matches("sk-wan-[0-9a-f]{32}");
            made.add(key);
        }
        assertThat(made).hasSize(100);
    }
}
