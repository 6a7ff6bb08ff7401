package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void readsItsVariables() {
        SimulatorSettings s = SimulatorSettings.fromEnvironment(Map.of(
                "SIM_PENDING_SECONDS", "0.5", "SIM_RUN_SECONDS", "10-30", "SIM_CONCURRENCY", "3",
                "SIM_CONCURRENCY_MODE", "queue", "SIM_API_KEY", "sk-one", "SIM_API_KEYS", " sk-two, sk-three ,,",
                "SIM_URL_TTL_SECONDS", "600", "SIM_DATA_DIR", "/tmp/sim-data"));
        assertThat(s.pendingSeconds()).isEqualTo(0.5);
        assertThat(s.runSecondsMin()).isEqualTo(10);
        assertThat(s.runSecondsMax()).isEqualTo(30);
        assertThat(s.concurrencyPerModel()).isEqualTo(3);
        assertThat(s.concurrencyMode()).isEqualTo(SimulatorSettings.ConcurrencyMode.QUEUE);
        assertThat(s.apiKeys()).containsExactlyInAnyOrder("sk-one", "sk-two", "sk-three");
        assertThat(s.urlTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/sim-data"));
    }

    @Test
    void defaultsAreDashScopes() {
        SimulatorSettings s = SimulatorSettings.fromEnvironment(Map.of());
        assertThat(s).isEqualTo(SimulatorSettings.defaults());
        assertThat(s.apiKeys()).isEmpty();
        assertThat(s.dataDir()).isNull();
        assertThat(s.urlTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(s.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(s.createsPerSecond()).isEqualTo(5);
        assertThat(s.queriesPerSecond()).isEqualTo(20);
        assertThat(s.listsPerSecond()).isEqualTo(20);
        assertThat(s.concurrencyPerModel()).isEqualTo(5);
    }
}
