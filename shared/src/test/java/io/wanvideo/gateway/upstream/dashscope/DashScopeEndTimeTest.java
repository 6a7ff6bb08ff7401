package io.wanvideo.gateway.upstream.dashscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** DashScope's end_time, which only feeds the detection-delay statistic. */
class DashScopeEndTimeTest {
    @Test
    void isReadAsChinaStandardTime() {
        assertThat(DashScopeClient.endTime("2025-09-18 10:12:37.114"))
                .isEqualTo(Instant.parse("2025-09-18T02:12:37.114Z").toEpochMilli());
        assertThat(DashScopeClient.endTime("2025-09-18 10:12:37")).isEqualTo(Instant.parse("2025-09-18T02:12:37Z").toEpochMilli());
    }

    @Test
    void anythingElseIsUnknownRatherThanAnError() {
        assertThat(DashScopeClient.endTime(null)).isNull();
        assertThat(DashScopeClient.endTime("yesterday")).isNull();
        assertThat(DashScopeClient.endTime("1745568302481")).isNull();
    }
}
