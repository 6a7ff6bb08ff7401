package io.wanvideo.gateway.service;

import io.wanvideo.gateway.schedule.ListingCadence;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.upstream.AccountLimits;
import java.time.Duration;

/**
 * How the completion watcher (README, "Completion watcher") runs.
 *
 * @param enabled     whether accounts whose provider can list tasks are watched (COMPLETION_WATCHER)
 * @param delayWeight λ of {@link ListingCadence}: listings worth one second of one task's detection delay
 * @param budgetShare the share of an account's query rate the watcher may list at: at most this × queries per second
 * @param maxInterval the longest gap between listings while tasks run
 * @param session     how long one invocation may go on listing (at sub-second spacing while completions are likely)
 *                    before it hands the next turn to the queue
 * @param safetyNet   the plan of each task's own polls while its account is watched: the poll planner with a delay
 *                    weight about two thousand times lower, and no early query (the listing catches fast refusals)
 */
public record WatchSettings(boolean enabled, double delayWeight, double budgetShare, Duration maxInterval, Duration session,
        PollPlanner.Settings safetyNet) {

    /** Polls that only matter if the listing misleads without failing: priced as if it did so one time in a thousand. */
    public static final PollPlanner.Settings SAFETY_NET = new PollPlanner.Settings(0.001, 0.11, 0, 0, 1,
            PollPlanner.Settings.DEFAULT.backoffCapSeconds());

    public static final WatchSettings DEFAULT = new WatchSettings(true, 14, 0.25, Duration.ofSeconds(30),
            Duration.ofSeconds(10), SAFETY_NET);

    public static final WatchSettings OFF = DEFAULT.enabled(false);

    /**
     * λ while the upstream pushes completion events: the listing then only catches what an event failed to bring, so a
     * second of delay is priced 70 times lower. Over ten running tasks that lists every 12 s or so (2.3 listings per
     * task against 13.1), and a lost event costs about the delay per-task polling has anyway (`./bench poll-policy`).
     */
    static final double DELAY_WEIGHT_BEHIND_EVENTS = 0.2;

    public WatchSettings enabled(boolean on) {
        return new WatchSettings(on, delayWeight, budgetShare, maxInterval, session, safetyNet);
    }

    /** The same watcher as the fallback of pushed completion events: listing at {@link #DELAY_WEIGHT_BEHIND_EVENTS}. */
    public WatchSettings behindEvents() {
        return new WatchSettings(enabled, DELAY_WEIGHT_BEHIND_EVENTS, budgetShare, maxInterval, session, safetyNet);
    }

    /** The cadence for an account with these limits: never more listings per second than its share of the queries. */
    public ListingCadence cadence(AccountLimits limits) {
        PollPlanner.Settings polls = PollPlanner.Settings.DEFAULT;
        return new ListingCadence(new ListingCadence.Settings(delayWeight, 1 / (budgetShare * limits.queriesPerSecond()),
                maxInterval.toMillis() / 1000.0, polls.earlyFraction(), polls.earlyMaxSeconds()));
    }
}
