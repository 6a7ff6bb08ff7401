package io.wanvideo.gateway.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.TaskError;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.Usage;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.model.WebhookDelivery;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.RunningTask;
import io.wanvideo.gateway.store.IdempotencyClaim;
import io.wanvideo.gateway.store.IdempotencyKeyTakenException;
import io.wanvideo.gateway.store.NoFreeSlotException;
import io.wanvideo.gateway.store.QuotaExceededException;
import io.wanvideo.gateway.store.StaleTaskException;
import io.wanvideo.gateway.store.WatchLeases;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Specs;
import io.wanvideo.gateway.testing.StoreInvariants;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Against DynamoDB Local. After every test, every counter equals what the task items say it must be. */
class DynamoTaskStoreTest {
    private static final int CAPACITY = 5;
    private static final String R2V = "wan2.7-r2v";
    private static final Admission UNLIMITED = new Admission(Integer.MAX_VALUE, Integer.MAX_VALUE, null);
    private final LocalAws aws = LocalAws.get();
    private final TaskIds ids = new TaskIds(Clock.systemUTC());
    private String table;
    private DynamoTaskStore store;

    @BeforeEach
    void freshTable() {
        table = aws.newTable();
        store = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(30));
    }

    @AfterEach
    void countersMatchTheTasks() {
        StoreInvariants.check(aws.dynamo(), table);
    }

    private VideoTask queued(String tenant, long createdMs) {
        VideoTask task = VideoTask.queued(ids.next(), tenant, Specs.r2v("a cat"), createdMs);
        store.create(task, UNLIMITED);
        return task;
    }

    private VideoTask queued(long createdMs) {
        return queued("tenant-a", createdMs);
    }

    private VideoTask claim(VideoTask task, String account) {
        return store.claim(task, task.next().state(TaskState.DISPATCHING).account(account).dispatchedMs(1L).dueMs(2L).build(),
                CAPACITY, null);
    }

    private VideoTask claim(VideoTask task) {
        return claim(task, "main");
    }

    private VideoTask finish(VideoTask held) {
        return store.transition(held, held.next().state(TaskState.COMPLETED).completedMs(10_000L).videoUrl("u").build());
    }

    private int used(String account) {
        return store.slotsInUse(R2V, List.of(account)).of(account);
    }

    private FairShare share(String tenant) {
        return store.fairShares(R2V, List.of(tenant)).get(0);
    }

    @Test
    void roundTripsEveryField() {
        VideoTask task = queued(1_000);
        VideoTask held = claim(task);
        VideoTask done = held.next().state(TaskState.COMPLETED).upstreamId("up-1").submittedMs(5L)
                .upstreamState(UpstreamState.SUCCEEDED).runOriginMs(6L).polls(3).progressFloor(40).completedMs(9_000L)
                .videoUrl("https://v/1.mp4").videoExpiresMs(99L).usage(new Usage(5, 5, 10, 1.5)).attempts(2)
                .result(new ResultCopy(ResultCopy.PENDING, null, 1, 123L, "timeout"))
                .webhook(new WebhookDelivery("https://hook", "evt_1", "video.completed", "pending", 2, 500, 456L)).build();
        store.transition(held, done);
        VideoTask failed = VideoTask.queued(ids.next(), "t", Specs.i2v(null), 1);
        store.create(failed, UNLIMITED);
        VideoTask failedEnd = failed.next().state(TaskState.FAILED).error(new TaskError("DataInspectionFailed", "bad input"))
                .completedMs(2L).build();
        store.transition(failed, failedEnd);

        assertThat(store.find(task.id())).contains(done);
        assertThat(store.find(failed.id())).contains(failedEnd);
        assertThat(store.find("video_nothing")).isEmpty();
    }

    @Test
    void aChangeDerivedFromAnOldVersionIsRefused() {
        VideoTask task = queued(1_000);
        store.transition(task, task.next().polls(1).build());
        assertThatThrownBy(() -> store.transition(task, task.next().polls(2).build())).isInstanceOf(StaleTaskException.class);
        assertThat(store.find(task.id()).orElseThrow().polls()).isEqualTo(1);
    }

    @Test
    void takingASlotGoesThroughAClaim() {
        VideoTask task = queued(1);
        assertThatThrownBy(() -> store.transition(task, task.next().state(TaskState.DISPATCHING).account("main").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slotsAreTakenAndGivenBackWithTheStateChangePerAccount() {
        List<VideoTask> holders = new ArrayList<>();
        for (int i = 0; i < CAPACITY; i++) {
            holders.add(claim(queued(i)));
        }
        assertThat(used("main")).isEqualTo(CAPACITY);
        VideoTask sixth = queued(10);
        assertThatThrownBy(() -> claim(sixth)).isInstanceOf(NoFreeSlotException.class);
        assertThat(store.find(sixth.id()).orElseThrow().state()).isEqualTo(TaskState.QUEUED);
        // Another account has its own slots.
        claim(sixth, "second");
        assertThat(used("second")).isEqualTo(1);

        VideoTask first = holders.get(0);
        store.transition(first, first.next().state(TaskState.FAILED).error(new TaskError("x", "y")).completedMs(3L).build());
        assertThat(used("main")).isEqualTo(CAPACITY - 1);
        assertThat(store.slotsInUse("wan2.7-i2v", List.of("main")).total()).isZero();
    }

    @Test
    void theSlotCountsSayWhichAccountsArePausedAsTheAccountStatesDo() {
        DynamoAccountStates accounts = new DynamoAccountStates(aws.dynamo(), table);
        claim(queued(1), "main");
        accounts.pause("second", "InvalidApiKey", 1_000, 2_000);
        var counts = store.slotsInUse(R2V, List.of("main", "second", "never-seen"));
        assertThat(counts.paused()).containsExactly("second");
        assertThat(counts.of("main")).isEqualTo(1);
        assertThat(counts.of("second")).isZero();
        assertThat(counts.of("never-seen")).isZero();

        accounts.resume("second");
        accounts.pause("main", "InvalidApiKey", 3_000, 4_000);
        counts = store.slotsInUse(R2V, List.of("main", "second"));
        assertThat(counts.paused()).containsExactly("main");
        assertThat(counts.of("main")).as("a paused account keeps the slots its tasks hold").isEqualTo(1);
    }

    @Test
    void aStaleReleaseGivesNothingBack() {
        VideoTask held = claim(queued(1));
        VideoTask done = held.next().state(TaskState.COMPLETED).completedMs(5L).videoUrl("u").build();
        store.transition(held, done);
        assertThatThrownBy(() -> store.transition(held, done)).isInstanceOf(StaleTaskException.class);
        assertThat(used("main")).isZero();
    }

    @Test
    void racingClaimsNeverExceedTheCapacity() throws Exception {
        List<VideoTask> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(queued("tenant-" + (i % 4), i));
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Boolean>> results = new ArrayList<>();
        for (VideoTask task : tasks) {
            Callable<Boolean> attempt = () -> {
                go.await();
                try {
                    claim(task);
                    return true;
                } catch (NoFreeSlotException e) {
                    return false;
                }
            };
            results.add(pool.submit(attempt));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> r : results) {
            won += r.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(won).isEqualTo(CAPACITY);
        assertThat(used("main")).isEqualTo(CAPACITY);
        assertThat(store.slotHolders("main", R2V)).hasSize(CAPACITY);
    }

    @Test
    void twoWorkersRacingOnOneTaskTakeOneSlot() throws Exception {
        VideoTask task = queued(1);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Callable<String> attempt = () -> {
            go.await();
            try {
                claim(task);
                return "won";
            } catch (StaleTaskException e) {
                return "stale";
            }
        };
        Future<String> a = pool.submit(attempt);
        Future<String> b = pool.submit(attempt);
        go.countDown();
        assertThat(List.of(a.get(), b.get())).containsExactlyInAnyOrder("won", "stale");
        pool.shutdown();
        assertThat(used("main")).isEqualTo(1);
    }

    @Test
    void eachTenantsBacklogIsOldestFirstAndHoldsOnlyQueuedTasks() {
        VideoTask second = queued(2_000);
        VideoTask first = queued(1_000);
        VideoTask third = queued(3_000);
        VideoTask other = queued("tenant-b", 500);
        assertThat(store.backlogHead(R2V, "tenant-a", 10)).extracting(BacklogEntry::taskId)
                .containsExactly(first.id(), second.id(), third.id());
        assertThat(store.backlogHead(R2V, "tenant-a", 2)).containsExactly(new BacklogEntry(first.id(), 1_000),
                new BacklogEntry(second.id(), 2_000));
        assertThat(store.backlogHead(R2V, "tenant-b", 10)).extracting(BacklogEntry::taskId).containsExactly(other.id());
        claim(first);
        assertThat(store.backlogHead(R2V, "tenant-a", 10)).extracting(BacklogEntry::taskId)
                .containsExactly(second.id(), third.id());
        assertThat(store.slotHolders("main", R2V)).containsExactly(first.id());
        assertThat(store.backlogHead("wan2.7-i2v", "tenant-a", 10)).isEmpty();
    }

    @Test
    void theFairQueueOrdersTenantsByWeightedRunningTasksThenOldestWaitingTask() {
        VideoTask a1 = queued("a", 1_000);
        queued("a", 1_100);
        VideoTask b1 = queued("b", 2_000);
        queued("b", 2_100);
        VideoTask c1 = queued("c", 3_000);
        assertThat(store.fairQueue(R2V, 10)).containsExactly("a", "b", "c");
        // a runs one: b and c now have fewer running tasks.
        store.claim(a1, a1.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).build(), CAPACITY, 1_100L);
        assertThat(store.fairQueue(R2V, 10)).containsExactly("b", "c", "a");
        assertThat(share("a")).isEqualTo(new FairShare("a", 1, 1, VideoTask.UNIT_FAIR_STEP, 1_100L,
                VideoTask.UNIT_FAIR_STEP + 1_100));
        // b runs one too: c is the only tenant with nothing running.
        store.claim(b1, b1.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).build(), CAPACITY, 2_100L);
        assertThat(store.fairQueue(R2V, 10)).containsExactly("c", "a", "b");
        // c's only task runs: c has nothing waiting and leaves the queue; its load stays counted.
        store.claim(c1, c1.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).build(), CAPACITY, null);
        assertThat(store.fairQueue(R2V, 10)).containsExactly("a", "b");
        assertThat(share("c").running()).isEqualTo(1);
    }

    @Test
    void aHeavierTenantIsOwedMoreSlots() {
        // Weight 2 halves the step: two running tasks of "heavy" weigh what one of "light" does.
        VideoTask heavy1 = VideoTask.queued(ids.next(), "heavy", Specs.r2v("x"), 1_000, VideoTask.UNIT_FAIR_STEP / 2);
        VideoTask heavy2 = VideoTask.queued(ids.next(), "heavy", Specs.r2v("x"), 1_001, VideoTask.UNIT_FAIR_STEP / 2);
        VideoTask heavy3 = VideoTask.queued(ids.next(), "heavy", Specs.r2v("x"), 1_002, VideoTask.UNIT_FAIR_STEP / 2);
        for (VideoTask t : List.of(heavy1, heavy2, heavy3)) {
            store.create(t, UNLIMITED);
        }
        VideoTask light1 = queued("light", 500);
        queued("light", 600);
        claim(light1);
        claim(heavy1);
        // light runs 1 (load 1 step), heavy runs 1 (load 1/2 step): heavy is owed the next slot.
        assertThat(store.fairQueue(R2V, 10)).containsExactly("heavy", "light");
        claim(heavy2);
        // heavy's two weigh one of light's; the tie goes to the older waiting task (light's, at 600).
        assertThat(store.fairQueue(R2V, 10)).containsExactly("light", "heavy");
    }

    @Test
    void aSlotHolderSentBackToTheBacklogKeepsItsPlaceAndItsTenantsCounts() {
        VideoTask first = queued(1_000);
        queued(2_000);
        VideoTask held = store.claim(first, first.next().state(TaskState.DISPATCHING).account("main").dispatchedMs(1L).build(),
                CAPACITY, 2_000L);
        assertThat(share("tenant-a").headMs()).isEqualTo(2_000);
        store.transition(held, held.next().state(TaskState.QUEUED).account(null).dispatchedMs(null).build());
        assertThat(share("tenant-a")).isEqualTo(new FairShare("tenant-a", 2, 0, 0, 1_000L, 1_000));
        assertThat(used("main")).isZero();
        assertThat(store.backlogHead(R2V, "tenant-a", 1)).extracting(BacklogEntry::taskId).containsExactly(first.id());
    }

    @Test
    void aWaitingTaskThatEndsOrIsDeletedLeavesItsTenantsBacklogAndTheQueueWhenLast() {
        VideoTask first = queued(1_000);
        VideoTask second = queued(2_000);
        store.transition(first, first.next().state(TaskState.FAILED).error(new TaskError("queue_timeout", "x"))
                .completedMs(5L).build());
        assertThat(share("tenant-a").headMs()).isEqualTo(2_000);
        assertThat(store.fairQueue(R2V, 10)).containsExactly("tenant-a");
        assertThat(store.delete(second)).isTrue();
        assertThat(store.fairQueue(R2V, 10)).isEmpty();
        assertThat(share("tenant-a").waiting()).isZero();
    }

    @Test
    void deletesOnlyAnUnchangedTaskAndGivesBackWhatItHeld() {
        VideoTask task = queued(1);
        VideoTask moved = claim(task);
        assertThat(store.delete(task)).isFalse();
        assertThat(store.delete(moved)).isTrue();
        assertThat(store.find(task.id())).isEmpty();
        assertThat(used("main")).isZero();
        assertThat(share("tenant-a").running()).isZero();
    }

    @Test
    void theRunningIndexShowsAnAccountsRunningTasksOldestFirstWithWhatWatchingThemNeeds() {
        VideoTask later = running(claim(queued(1)), "up-2", 20L);
        VideoTask earlier = running(claim(queued(2)), "up-1", 10L);
        VideoTask elsewhere = running(claim(queued(3), "other"), "up-3", 5L);
        claim(queued(4));
        // Oldest submission first; a slot holder not created upstream yet is not running.
        assertThat(store.runningOn("main")).containsExactly(expected(earlier), expected(later));
        assertThat(store.runningOn("other")).containsExactly(expected(elsewhere));
        // The summary stands in for the request: its media without their URLs, what the timing model reads.
        assertThat(store.runningOn("main").get(0).summary().media()).allSatisfy(m -> assertThat(m.url()).isEmpty());
        finish(earlier);
        assertThat(store.runningOn("main")).containsExactly(expected(later));
    }

    private VideoTask running(VideoTask dispatching, String upstreamId, long submittedMs) {
        return store.transition(dispatching, dispatching.next().state(TaskState.RUNNING).upstreamId(upstreamId)
                .submittedMs(submittedMs).runOriginMs(submittedMs + 2).upstreamState(UpstreamState.RUNNING).dueMs(9L).build());
    }

    private static RunningTask expected(VideoTask task) {
        return new RunningTask(task.id(), TaskItems.summary(task.spec()), task.upstreamId(), task.submittedMs(), task.runOriginMs());
    }

    @Test
    void aWatchLeaseIsHeldByOneChainAtATimeAndTurnsOnlyOnceAVersion() {
        DynamoWatchLeases leases = new DynamoWatchLeases(aws.dynamo(), table);
        WatchLeases.Lease first = leases.start("main", "chain-a", 1_000, 1_500, 10_000).orElseThrow();
        assertThat(first.version()).isEqualTo(1);
        // A second starter finds the lease live and starts nothing.
        assertThat(leases.start("main", "chain-b", 2_000, 2_000, 11_000)).isEmpty();
        WatchLeases.Lease second = leases.handOver(first, 3_000, 12_000, 1, 0).orElseThrow();
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.failures()).isEqualTo(1);
        // A duplicated turn of version 1 cannot hand over again.
        assertThat(leases.handOver(first, 3_000, 12_000, 0, 0)).isEmpty();
        // Once the chain lapses (its lease expired), a new chain takes over, and the old one's turns are dead.
        WatchLeases.Lease taken = leases.start("main", "chain-b", 13_000, 13_000, 20_000).orElseThrow();
        assertThat(taken.owner()).isEqualTo("chain-b");
        assertThat(leases.handOver(second, 14_000, 21_000, 0, 0)).isEmpty();
        assertThat(leases.release(second)).isFalse();
        assertThat(leases.release(taken)).isTrue();
        assertThat(leases.read("main").orElseThrow().live(13_000)).isFalse();
    }

    @Test
    void aWatcherTurnedOffStaysOffUntilItsTimeAndEndsTheChainHoldingIt() {
        DynamoWatchLeases leases = new DynamoWatchLeases(aws.dynamo(), table);
        WatchLeases.Lease chain = leases.start("main", "chain-a", 1_000, 1_000, 60_000).orElseThrow();
        leases.turnOff("main", "UnrecognisedAnswer: a new shape", 2_000, 100_000);
        WatchLeases.Lease off = leases.read("main").orElseThrow();
        assertThat(off.off(99_999)).isTrue();
        assertThat(off.offReason()).startsWith("UnrecognisedAnswer");
        assertThat(leases.handOver(chain, 3_000, 60_000, 0, 0)).isEmpty();
        assertThat(leases.start("main", "chain-b", 50_000, 50_000, 90_000)).isEmpty();
        WatchLeases.Lease back = leases.start("main", "chain-b", 100_001, 100_001, 190_000).orElseThrow();
        assertThat(back.off(100_001)).isFalse();
        assertThat(back.offReason()).isNull();
    }

    @Test
    void finishedTasksLeaveTheIndexesAndExpire() {
        VideoTask held = claim(queued(1));
        finish(held);
        assertThat(store.slotHolders("main", R2V)).isEmpty();
        assertThat(store.backlogHead(R2V, "tenant-a", 10)).isEmpty();
        Map<String, AttributeValue> item = aws.dynamo().getItem(g -> g.tableName(table).key(TaskItems.key(held.id()))).item();
        assertThat(Long.parseLong(item.get(TaskTable.TTL).n())).isEqualTo(10 + Duration.ofDays(30).toSeconds());
    }

    @Test
    void aTenantBeyondItsWaitingLimitIsRefusedAndNothingIsWritten() {
        Admission two = new Admission(2, Integer.MAX_VALUE, null);
        store.create(VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 1), two);
        store.create(VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 2), two);
        VideoTask third = VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 3);
        assertThatThrownBy(() -> store.create(third, two)).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> assertThat(e.limit()).isEqualTo(QuotaExceededException.Limit.WAITING));
        assertThat(store.find(third.id())).isEmpty();
        // The limit is per model: the other pool still takes one.
        store.create(VideoTask.queued(ids.next(), "t", Specs.i2v("x"), 4), two);
    }

    @Test
    void aTenantBeyondItsSubmitRateIsRefusedUntilTheMinuteTurns() {
        // The count is per calendar minute of the store's clock: fixed here, 20 s into a minute, then in the next.
        Instant minute = Instant.parse("2026-11-22T10:00:00Z");
        DynamoTaskStore during = new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(30),
                Clock.fixed(minute.plusSeconds(20), ZoneOffset.UTC));
        Admission three = new Admission(Integer.MAX_VALUE, 3, null);
        for (int i = 0; i < 3; i++) {
            during.create(VideoTask.queued(ids.next(), "t", Specs.r2v("x"), i), three);
        }
        VideoTask fourth = VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 9);
        assertThatThrownBy(() -> during.create(fourth, three)).isInstanceOfSatisfying(QuotaExceededException.class, e -> {
            assertThat(e.limit()).isEqualTo(QuotaExceededException.Limit.SUBMITS_PER_MINUTE);
            assertThat(e.retryAfterSeconds()).as("seconds until the minute turns").isEqualTo(40);
        });
        assertThat(store.find(fourth.id())).isEmpty();
        assertThat(share("t").waiting()).isEqualTo(3);
        // Another tenant has its own count.
        during.create(VideoTask.queued(ids.next(), "u", Specs.r2v("x"), 9), three);
        // The next minute starts a new count.
        new DynamoTaskStore(aws.dynamo(), table, Duration.ofDays(30), Clock.fixed(minute.plusSeconds(61), ZoneOffset.UTC))
                .create(fourth, three);
        assertThat(store.find(fourth.id())).isPresent();
    }

    @Test
    void anIdempotencyKeyIsClaimedOnceWithItsTask() {
        long expires = System.currentTimeMillis() + 60_000;
        VideoTask first = VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 1);
        store.create(first, new Admission(10, 10, new IdempotencyClaim("t", "k1", "h1", first.id(), expires)));
        VideoTask second = VideoTask.queued(ids.next(), "t", Specs.r2v("x"), 2);
        assertThatThrownBy(() -> store.create(second, new Admission(10, 10,
                new IdempotencyClaim("t", "k1", "h1", second.id(), expires)))).isInstanceOf(IdempotencyKeyTakenException.class);
        assertThat(store.find(second.id())).isEmpty();
        assertThat(store.idempotencyClaim("t", "k1")).contains(new IdempotencyClaim("t", "k1", "h1", first.id(), expires));
        // Keys are per tenant.
        assertThat(store.idempotencyClaim("u", "k1")).isEmpty();
    }

    @Test
    void listsATenantsTasksPageByPageWithoutTheirMedia() {
        List<VideoTask> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(queued(1_000 + i));
        }
        queued("tenant-b", 1_500);
        var page = store.listByTenant("tenant-a", true, 2, null);
        assertThat(page.tasks()).extracting(VideoTask::id).containsExactly(tasks.get(4).id(), tasks.get(3).id());
        assertThat(page.hasMore()).isTrue();
        var next = store.listByTenant("tenant-a", true, 10, page.tasks().get(1));
        assertThat(next.tasks()).extracting(VideoTask::id).containsExactly(tasks.get(2).id(), tasks.get(1).id(), tasks.get(0).id());
        assertThat(next.hasMore()).isFalse();
        assertThat(next.tasks().get(0).spec().prompt()).isEqualTo("a cat");
        assertThat(next.tasks().get(0).spec().media()).allMatch(m -> m.url().isEmpty());
    }
}
