package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.PriceTable;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.upstream.Upstreams;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The poll queue's work, wired once: what each kind of message sets in motion. The poller function and the
 * test harness both run messages through here, so they cannot drift apart.
 */
public final class Poller {
    private static final Logger LOG = LogManager.getLogger(Poller.class);

    private final SlotScheduler scheduler;
    private final TaskFinisher finisher;
    private final AccountHealth health;
    private final TaskAdvancer advancer;
    private final Sweeper sweeper;
    private final DeadLetters deadLetters;
    private final AfterCompletion afterCompletion;
    private final CompletionWatcher watcher;
    private final CompletionEvents events;
    private final ImmediateCreates creates;

    /** What the poller is built from. */
    public record Parts(TaskStore store, TaskQueue queue, Upstreams upstreams, RateGate rates, AccountStates accounts,
            GenerationTimeModel times, PollPlanner planner, PollerSettings settings, PriceTable prices,
            InputLinks inputs, TaskObjects objects, AfterCompletion afterCompletion, Clock clock) {
        /** The same parts over other accounts (priming runs a poll against a stand-in for DashScope). */
        public Parts withUpstreams(Upstreams other) {
            return new Parts(store, queue, other, rates, accounts, times, planner, settings, prices, inputs, objects,
                    afterCompletion, clock);
        }
    }

    public Poller(Parts p) {
        this(p, CompletionWatcher.Setup.OFF);
    }

    /** @param watching how accounts' finished tasks are noticed by listing (README, "Completion watcher") */
    public Poller(Parts p, CompletionWatcher.Setup watching) {
        ImmediateCreates creates = new ImmediateCreates(p.clock());
        this.scheduler = new SlotScheduler(p.store(), p.queue(), p.upstreams(), p.clock(), creates);
        this.finisher = new TaskFinisher(p.store(), p.queue(), scheduler, p.prices(), p.afterCompletion().copiesResults(),
                p.objects(), p.settings(), p.clock());
        this.health = new AccountHealth(p.accounts(), p.upstreams(), p.rates(), p.settings(), p.clock());
        WatchedAccounts watched = new WatchedAccounts(watching, p.upstreams(), p.queue(), p.clock());
        PollPlans plans = new PollPlans(p.planner(), watched);
        Dispatcher dispatcher = new Dispatcher(p.store(), p.queue(), p.upstreams(), p.rates(), finisher, health, p.inputs(),
                p.times(), plans, p.settings(), p.clock());
        creates.createWith(dispatcher::dispatch);
        this.creates = creates;
        RunningPolls polls = new RunningPolls(p.store(), p.queue(), p.upstreams(), p.rates(), finisher, health, p.times(),
                plans, p.clock());
        this.watcher = new CompletionWatcher(p.store(), p.queue(), p.upstreams(), p.rates(), polls, health, p.times(), watched,
                p.clock());
        this.events = new CompletionEvents(p.store(), p.upstreams(), p.queue(), polls);
        this.advancer = new TaskAdvancer(p.store(), p.queue(), scheduler, dispatcher, polls, p.clock());
        this.sweeper = new Sweeper(p.store(), p.queue(), p.upstreams(), finisher, health, p.accounts(), p.settings(), p.clock());
        this.deadLetters = new DeadLetters(p.store(), p.queue(), p.upstreams(), finisher, polls, dispatcher, p.afterCompletion());
        this.afterCompletion = p.afterCompletion();
    }

    /** One message of the poll queue; the tasks its handling gives a slot are created within it. */
    public void handle(TaskMessage message) {
        creates.during(() -> route(message));
    }

    private void route(TaskMessage message) {
        switch (message.kind() == null ? "" : message.kind()) {
            case TaskMessage.ADVANCE -> advancer.advance(message);
            case TaskMessage.FILL -> scheduler.fill(message.pool(), null);
            case TaskMessage.EFFECT -> afterCompletion.run(message.taskId(), message.effect());
            case TaskMessage.SWEEP -> {
                sweeper.sweep();
                watcher.sweep();
            }
            case TaskMessage.RECOVER -> {
                sweeper.recover();
                watcher.sweep();
            }
            case TaskMessage.WATCH -> watcher.watch(message);
            case TaskMessage.EVENT -> events.noticed(message.account(), message.upstreamId());
            default -> LOG.warn("message of unknown kind {} dropped", message.kind());
        }
    }

    /** One message of the dead-letter queue. */
    public void handleDeadLetter(TaskMessage message) {
        deadLetters.handle(message);
    }

    public SlotScheduler scheduler() {
        return scheduler;
    }

    public TaskFinisher finisher() {
        return finisher;
    }

    public AccountHealth health() {
        return health;
    }

    public TaskAdvancer advancer() {
        return advancer;
    }

    public Sweeper sweeper() {
        return sweeper;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public CompletionWatcher watcher() {
        return watcher;
    }

    public CompletionEvents events() {
        return events;
    }
}
