package io.wanvideo.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Task ids are ULIDs in lower-case Crockford base32 behind "video_": 10 characters of millisecond time, then 16 of
 * the 80 random bits. The random source is given here, so every character of an id is known in advance.
 */
class TaskIdsTest {
    private static final String CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

    /** Hands out exactly these bytes, then fails the test if asked for more. */
    private static Random bytes(byte[]... fills) {
        List<byte[]> queue = new ArrayList<>(Arrays.asList(fills));
        return new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] into) {
                byte[] next = queue.remove(0);
                assertThat(into).hasSameSizeAs(next);
                System.arraycopy(next, 0, into, 0, next.length);
            }
        };
    }

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    /** The base32 of an unsigned number, in Crockford's digits, padded to a width: worked out independently. */
    private static String crockford(BigInteger value, int width) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toString(32).toCharArray()) {
            out.append(CROCKFORD.charAt(Character.digit(c, 32)));
        }
        return "0".repeat(width - out.length()) + out;
    }

    @Test
    void theTimeComesFirstAsTheUlidSpecificationWritesIt() {
        // The ULID specification's example: 1469918176385 ms is 01ARYZ6S41.
        String id = new TaskIds(at(1469918176385L), bytes(new byte[10])).next();
        assertThat(id).isEqualTo("video_01aryz6s41" + "0".repeat(16));
    }

    @Test
    void anIdCarriesTheTimeItIsGivenAndGivesItBack() {
        // The submission's own reading of the clock, not the generator's: ids sort as their tasks queue.
        TaskIds ids = new TaskIds(at(5), bytes(new byte[10], new byte[10]));
        String given = ids.next(1795265679123L);
        assertThat(given.substring(6, 16)).isEqualTo(crockford(BigInteger.valueOf(1795265679123L), 10));
        assertThat(TaskIds.timeOf(given)).isEqualTo(1795265679123L);
        assertThat(TaskIds.timeOf(ids.next())).isEqualTo(5);
        assertThat(TaskIds.timeOf("video_7zzzzzzzzz" + "0".repeat(16))).isEqualTo((1L << 48) - 1);
    }

    @Test
    void theRandomBitsFollowInOrder() {
        byte[] ones = new byte[10];
        Arrays.fill(ones, (byte) 0xff);
        byte[] counting = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        byte[] mixed = {(byte) 0x80, 0, 0, 0, 1, (byte) 0xfe, 0x7f, 0x10, 0, (byte) 0xc3};
        TaskIds ids = new TaskIds(at(0), bytes(ones, counting, mixed));
        for (byte[] random : List.of(ones, counting, mixed)) {
            assertThat(ids.next()).isEqualTo("video_" + "0".repeat(10) + crockford(new BigInteger(1, random), 16));
        }
    }

    @Test
    void everyTimeBitIsKept() {
        // 48 bits of milliseconds, each shown: the largest ULID time, and a time with every fifth bit set.
        long largest = (1L << 48) - 1;
        long sparse = 0x0842_1084_2108L;
        for (long millis : new long[] {largest, sparse, 1795265679123L}) {
            String id = new TaskIds(at(millis), bytes(new byte[10])).next();
            assertThat(id.substring(6, 16)).as("%d ms", millis).isEqualTo(crockford(BigInteger.valueOf(millis), 10));
        }
    }

    @Test
    void idsSortByCreationTime() {
        List<String> ids = new ArrayList<>();
        byte[] high = new byte[10];
        Arrays.fill(high, (byte) 0xff);
        for (long millis : new long[] {1_000, 1_001, 32_000, 1795265679000L}) {
            // Later ids sort after earlier ones whatever their random part: high bits first, then none.
            ids.add(new TaskIds(at(millis), bytes(ids.size() % 2 == 0 ? high : new byte[10])).next());
        }
        assertThat(ids).isSorted();
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        TaskIds ids = new TaskIds(at(1795265679000L));
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = ids.next();
            assertThat(id).startsWith("video_" + crockford(BigInteger.valueOf(1795265679000L), 10));
            made.add(id);
        }
        assertThat(made).hasSize(1000);
    }

    @Test
    void onlyWhatCouldBeAnIdIsPlausible() {
        String made = new TaskIds(at(1795265679000L)).next();
        assertThat(TaskIds.plausible(made)).isTrue();
        assertThat(TaskIds.plausible("video_01m7z2rknssh48bdryt5pfkfg6")).isTrue();
        assertThat(TaskIds.plausible(null)).isFalse();
        assertThat(TaskIds.plausible("")).isFalse();
        assertThat(TaskIds.plausible("video_01m7z2rknssh48bdryt5pfkfg")).as("25 characters").isFalse();
        assertThat(TaskIds.plausible("video_01m7z2rknssh48bdryt5pfkfg66")).as("27 characters").isFalse();
        assertThat(TaskIds.plausible("task_01m7z2rknssh48bdryt5pfkfg6")).as("another prefix").isFalse();
        assertThat(TaskIds.plausible("video_01M7Z2RKNSSH48BDRYT5PFKFG6")).as("upper case").isFalse();
        for (char notCrockford : "ilou".toCharArray()) {
            assertThat(TaskIds.plausible("video_01m7z2rknssh48bdryt5pfkfg" + notCrockford)).as("%s", notCrockford).isFalse();
        }
    }
}
