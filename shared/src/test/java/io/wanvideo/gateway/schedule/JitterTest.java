package io.wanvideo.gateway.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JitterTest {
    @Test
    void drawsSpreadOverTheUnitIntervalAndAfterAReseedToo() {
        for (int round = 0; round < 2; round++) {
            Set<Double> seen = new HashSet<>();
            double sum = 0;
            for (int i = 0; i < 1000; i++) {
                double d = Jitter.next();
                assertThat(d).isGreaterThanOrEqualTo(0).isLessThan(1);
                seen.add(d);
                sum += d;
            }
            assertThat(seen).hasSizeGreaterThan(990);
            // The mean of 1000 uniform draws is within 0.1 of 0.5 (about 11 standard deviations).
            assertThat(sum / 1000).isBetween(0.4, 0.6);
            Jitter.reseed();
        }
    }
}
