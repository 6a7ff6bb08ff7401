package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.VideoTask;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Lets the handling of one poll-queue message create upstream, there and then, each task it gives a slot: an arrival
 * that finds a slot free, or the next task when a finished one hands its slot on. Left to the message its claim sends,
 * the create would wait behind whatever the queue holds before it (a burst of arrivals) and, on AWS, for a trip
 * through SQS and another invocation at every handoff. That message stays the durable trigger, sent a moment late
 * ({@link #TRIGGER_DELAY_SECONDS}): if the handling stops before the create, the message makes it; if the create was
 * made here, the message finds its task moved on and does nothing (README, "How a slot is chosen").
 *
 * <p>Bounded twice. In time: a create may take its whole timeout and the invocation must end in time, so creates start
 * only within {@link #BUDGET_MS} of the message's start. In depth: a create that is refused ends its task, and the slot
 * that frees starts the next task; that one is left to its message, so a run of refusals never nests creates.
 */
final class ImmediateCreates {
    /**
     * How long a handling goes on creating the tasks it started: a create started at the end of it, with its 30 s
     * timeout and the retried record of its answer, still ends well inside the poller's 60 s (template.yaml).
     */
    static final long BUDGET_MS = 10_000;
    /**
     * How long the claim's message waits when its task is created at once. Long enough that the create has moved the
     * task on by then (its SUBMITTING write comes within milliseconds), so the message finds it moved on rather than
     * racing the create to its write (a read, and the account's create-rate token, spent for nothing); short enough
     * that a handling that stopped before its create delays that task by no more than this.
     */
    static final int TRIGGER_DELAY_SECONDS = 1;

    private final Clock clock;
    /** When the current thread's handling stops creating; absent outside a handling (tests, dead letters, priming). */
    private final ThreadLocal<Long> until = new ThreadLocal<>();
    private final ThreadLocal<Boolean> creating = ThreadLocal.withInitial(() -> false);
    private volatile Consumer<VideoTask> create = task -> {
        throw new IllegalStateException("no creator wired");
    };

    ImmediateCreates(Clock clock) {
        this.clock = clock;
    }

    /** Wired once, after the dispatcher, which (through the finisher and the scheduler) depends on this. */
    void createWith(Consumer<VideoTask> dispatcher) {
        this.create = dispatcher;
    }

    /** Runs one message's handling; the tasks it starts are created as they take their slots. */
    void during(Runnable handling) {
        if (until.get() != null) {
            handling.run();
            return;
        }
        until.set(clock.millis() + BUDGET_MS);
        try {
            handling.run();
        } finally {
            until.remove();
        }
    }

    /**
     * Whether a task taking its slot now is created here: within a handling, inside its budget, and not from inside
     * another such create. Asked before the claim's message is sent, which then waits {@link #TRIGGER_DELAY_SECONDS}.
     */
    boolean mayCreate() {
        Long deadline = until.get();
        return deadline != null && !creating.get() && clock.millis() < deadline;
    }

    /**
     * Creates a task that has just taken its slot (DISPATCHING, its message sent), {@link #mayCreate} having said so.
     * What the create throws is the handling's, as any failure of its own: the message is retried, and the task's own
     * message takes the create up from wherever it stopped.
     */
    void create(VideoTask task) {
        creating.set(true);
        try {
            create.accept(task);
        } finally {
            creating.set(false);
        }
    }
}
