package io.wanvideo.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.local.bench.SlotReplay.Order;
import io.wanvideo.local.bench.SlotReplay.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The baseline the fairness benchmark compares the gateway with. */
class SlotReplayTest {
    private static final List<Task> BACKLOG_THEN_ONE = List.of(
            new Task("a1", "a", 0, 10), new Task("a2", "a", 0, 20), new Task("a3", "a", 0, 10), new Task("a4", "a", 0, 10),
            new Task("b1", "b", 1, 10));

    @Test
    void fifoServesTheLaterTenantAfterTheWholeEarlierBacklog() {
        assertThat(SlotReplay.starts(BACKLOG_THEN_ONE, 2, Order.FIFO))
                .isEqualTo(Map.of("a1", 0L, "a2", 0L, "a3", 10L, "a4", 20L, "b1", 20L));
    }

    @Test
    void fairShareGivesTheNextFreeSlotToTheTenantWithFewerRunning() {
        assertThat(SlotReplay.starts(BACKLOG_THEN_ONE, 2, Order.FAIR_SHARE))
                .isEqualTo(Map.of("a1", 0L, "a2", 0L, "b1", 10L, "a3", 20L, "a4", 20L));
    }

    @Test
    void amongTenantsRunningAlikeTheOldestWaitingTaskGoesFirst() {
        List<Task> tasks = List.of(new Task("a1", "a", 0, 10), new Task("b1", "b", 0, 10), new Task("b2", "b", 1, 10),
                new Task("a2", "a", 2, 10));
        // At 10 both have nothing running: b2 (submitted at 1) is older than a2 (at 2).
        assertThat(SlotReplay.starts(tasks, 2, Order.FAIR_SHARE))
                .isEqualTo(Map.of("a1", 0L, "b1", 0L, "b2", 10L, "a2", 10L));
        // With one slot nobody runs when a choice is made: the order is the submission order.
        assertThat(SlotReplay.starts(tasks, 1, Order.FAIR_SHARE))
                .isEqualTo(Map.of("a1", 0L, "b1", 10L, "b2", 20L, "a2", 30L));
    }

    /** Either order: every task starts once, not before it arrived, never more than the slots at once, no slot idle while a task waits. */
    @Test
    void bothOrdersKeepEverySlotBusyWhileTasksWaitAndNeverExceedTheSlots() {
        Random random = new Random(11);
        for (int round = 0; round < 20; round++) {
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                tasks.add(new Task("t" + i, "tenant-" + random.nextInt(3), random.nextInt(200), 1 + random.nextInt(40)));
            }
            int slots = 1 + random.nextInt(5);
            for (Order order : Order.values()) {
                Map<String, Long> starts = SlotReplay.starts(tasks, slots, order);
                assertThat(starts).hasSize(tasks.size());
                for (Task t : tasks) {
                    long start = starts.get(t.id());
                    assertThat(start).isGreaterThanOrEqualTo(t.arrivalMs());
                    // At any moment a task waits, every slot is busy.
                    for (long at = t.arrivalMs(); at < start; at++) {
                        long now = at;
                        long busy = tasks.stream().filter(o -> starts.get(o.id()) <= now && now < starts.get(o.id()) + o.runMs()).count();
                        assertThat(busy).as("%s waiting at %d under %s", t.id(), now, order).isEqualTo(slots);
                    }
                }
                for (Task t : tasks) {
                    long at = starts.get(t.id());
                    long busy = tasks.stream().filter(o -> starts.get(o.id()) <= at && at < starts.get(o.id()) + o.runMs()).count();
                    assertThat(busy).isLessThanOrEqualTo(slots);
                }
            }
        }
    }
}
