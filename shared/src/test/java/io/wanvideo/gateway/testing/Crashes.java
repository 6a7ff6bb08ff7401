package io.wanvideo.gateway.testing;

import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.store.BacklogEntry;
import io.wanvideo.gateway.store.EndCounts;
import io.wanvideo.gateway.store.FairShare;
import io.wanvideo.gateway.store.IdempotencyClaim;
import io.wanvideo.gateway.store.SlotCounts;
import io.wanvideo.gateway.store.TaskPage;
import io.wanvideo.gateway.store.TaskStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A process dying at a chosen point: the real store or queue underneath, with one call replaced by an
 * exception the first {@code times} times a predicate matches. The work before that point is done, the
 * work after it is not, exactly as if the function had been killed there.
 */
public final class Crashes {
    private Crashes() {}

    public static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash " + where, null, false, false);
        }
    }

    /** The change (a transition, or a claim of a slot) matching {@code when} is not written; the caller dies instead. */
    public static UnaryOperator<TaskStore> beforeTransition(BiPredicate<VideoTask, VideoTask> when, int times) {
        AtomicInteger left = new AtomicInteger(times);
        return real -> new Delegating(real) {
            @Override
            public VideoTask transition(VideoTask current, VideoTask next) {
                if (when.test(current, next) && left.getAndDecrement() > 0) {
                    throw new Crash("before writing " + current.state() + " -> " + next.state());
                }
                return real.transition(current, next);
            }

            @Override
            public VideoTask claim(VideoTask queued, VideoTask next, int capacity, Long nextHeadMs) {
                if (when.test(queued, next) && left.getAndDecrement() > 0) {
                    throw new Crash("before writing " + queued.state() + " -> " + next.state());
                }
                return real.claim(queued, next, capacity, nextHeadMs);
            }
        };
    }

    /** The message matching {@code when} is not sent; the caller dies instead. */
    public static UnaryOperator<TaskQueue> beforeSend(Predicate<TaskMessage> when, int times) {
        AtomicInteger left = new AtomicInteger(times);
        return real -> (message, delay) -> {
            if (when.test(message) && left.getAndDecrement() > 0) {
                throw new Crash("before sending " + message);
            }
            real.send(message, delay);
        };
    }

    /** Every message matching {@code when} is sent twice, as SQS may deliver it. */
    public static UnaryOperator<TaskQueue> duplicating(Predicate<TaskMessage> when) {
        return real -> (message, delay) -> {
            real.send(message, delay);
            if (when.test(message)) {
                real.send(message, delay);
            }
        };
    }

    /** A store that passes every call to the real one; crash wrappers override the calls they interrupt. */
    public static class Delegating implements TaskStore {
        private final TaskStore real;

        public Delegating(TaskStore real) {
            this.real = real;
        }

        @Override
        public void create(VideoTask task, Admission admission) {
            real.create(task, admission);
        }

        @Override
        public Optional<VideoTask> find(String id) {
            return real.find(id);
        }

        @Override
        public VideoTask transition(VideoTask current, VideoTask next) {
            return real.transition(current, next);
        }

        @Override
        public VideoTask claim(VideoTask queued, VideoTask next, int capacity, Long nextHeadMs) {
            return real.claim(queued, next, capacity, nextHeadMs);
        }

        @Override
        public boolean delete(VideoTask task) {
            return real.delete(task);
        }

        @Override
        public List<BacklogEntry> backlogHead(String pool, String tenant, int limit) {
            return real.backlogHead(pool, tenant, limit);
        }

        @Override
        public List<String> fairQueue(String pool, int limit) {
            return real.fairQueue(pool, limit);
        }

        @Override
        public List<FairShare> fairShares(String pool, Collection<String> tenants) {
            return real.fairShares(pool, tenants);
        }

        @Override
        public void forgetIdleTenant(String pool, String tenant) {
            real.forgetIdleTenant(pool, tenant);
        }

        @Override
        public List<String> slotHolders(String account, String pool) {
            return real.slotHolders(account, pool);
        }

        @Override
        public SlotCounts slotsInUse(String pool, Collection<String> accounts) {
            return real.slotsInUse(pool, accounts);
        }

        @Override
        public Optional<IdempotencyClaim> idempotencyClaim(String tenant, String keyHash) {
            return real.idempotencyClaim(tenant, keyHash);
        }

        @Override
        public List<String> effectsDueBefore(long timeMs, int limit) {
            return real.effectsDueBefore(timeMs, limit);
        }

        @Override
        public TaskPage listByTenant(String tenant, boolean newestFirst, int limit, VideoTask after) {
            return real.listByTenant(tenant, newestFirst, limit, after);
        }

        @Override
        public void countEnd(VideoTask terminal, Long detectionDelayMs) {
            real.countEnd(terminal, detectionDelayMs);
        }

        @Override
        public List<EndCounts> endCounts(String tenant, Collection<Long> minutes) {
            return real.endCounts(tenant, minutes);
        }
    }
}
