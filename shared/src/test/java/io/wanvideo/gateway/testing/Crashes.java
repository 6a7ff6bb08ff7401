package io.wanvideo.gateway.testing;

import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.TaskStore;
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

    /** The transition matching {@code when} is not written; the caller dies instead. */
    public static UnaryOperator<TaskStore> beforeTransition(BiPredicate<VideoTask, VideoTask> when, int times) {
        AtomicInteger left = new AtomicInteger(times);
        return real -> new Delegating(real) {
            @Override
            public VideoTask transition(VideoTask current, VideoTask next, int slotCapacity) {
                if (when.test(current, next) && left.getAndDecrement() > 0) {
                    throw new Crash("before writing " + current.state() + " -> " + next.state());
                }
                return real.transition(current, next, slotCapacity);
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

    private static class Delegating implements TaskStore {
        private final TaskStore real;

        Delegating(TaskStore real) {
            this.real = real;
        }

        @Override
        public void create(VideoTask task) {
            real.create(task);
        }

        @Override
        public Optional<VideoTask> find(String id) {
            return real.find(id);
        }

        @Override
        public VideoTask transition(VideoTask current, VideoTask next, int slotCapacity) {
            return real.transition(current, next, slotCapacity);
        }

        @Override
        public boolean deleteIfUnchanged(VideoTask task) {
            return real.deleteIfUnchanged(task);
        }

        @Override
        public List<String> backlogHead(String slotPool, int limit) {
            return real.backlogHead(slotPool, limit);
        }

        @Override
        public List<String> slotHolders(String slotPool) {
            return real.slotHolders(slotPool);
        }

        @Override
        public int slotsInUse(String slotPool) {
            return real.slotsInUse(slotPool);
        }
    }
}
