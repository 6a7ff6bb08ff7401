package io.wanvideo.gateway.service;

import io.wanvideo.gateway.metrics.Metric;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.schedule.ListingCadence;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.store.RunningTask;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.store.WatchLeases;
import io.wanvideo.gateway.store.WatchLeases.Lease;
import io.wanvideo.gateway.upstream.ListedTask;
import io.wanvideo.gateway.upstream.TaskListing;
import io.wanvideo.gateway.upstream.UpstreamException;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Notices an upstream account's finished tasks by listing the account's tasks (one call answers for all of them)
 * instead of asking about each: README, "Completion watcher".
 *
 * <p>One chain per account, driven by {@code watch} messages on the poll queue and holding the account's lease
 * ({@link WatchLeases}), runs while the account has tasks running. Each turn lists the account's tasks created
 * since shortly before its oldest running one, advances every one of ours the listing shows finished at once (one
 * query for its result through {@link RunningPolls}, then the usual finish), and lists again after the interval
 * {@link ListingCadence} gives for the tasks still running. A turn whose next listing is due within a moment waits
 * for it in the same invocation (for up to {@link WatchSettings#session()}); a later one goes back on the queue, with
 * the delay rounded to the whole second SQS allows. With
 * nothing left running, the chain releases the lease and ends; the next task to start running, or the sweep,
 * starts a new one.
 *
 * <p>A listing that is not understood (or refused as a request) turns the watcher off for the account for an hour,
 * listings that keep failing or keep leaving out tasks that should be in them for five minutes: with a log line, a
 * {@link Metric#COMPLETION_WATCHER_OFF} metric, and the account's running tasks handed back to polling on the normal plan.
 */
public final class CompletionWatcher {
    private static final Logger LOG = LogManager.getLogger(CompletionWatcher.class);

    /** The listing's window opens this long before the oldest running task was accepted, and closes this long after now. */
    static final Duration WINDOW_MARGIN = Duration.ofMinutes(1);
    private static final Duration LONGEST_WINDOW = Duration.ofHours(24);
    /** Pages read per listing at most (DashScope pages hold 100): an account this busy with others' tasks is not watched. */
    static final int MAX_PAGES = 10;
    /** A listing due within this is waited for in the same invocation; a later one goes back on the queue. */
    public static final long INLINE_WAIT_MS = 1500;
    /** Listings failing in a row before the watcher stands aside for {@link #OFF_AFTER_FAILURES}. */
    static final int MAX_FAILURES = 3;
    static final Duration OFF_AFTER_FAILURES = Duration.ofMinutes(5);
    static final Duration OFF_AFTER_UNRECOGNISED = Duration.ofHours(1);
    /** A task accepted this long ago must be in the listing... */
    static final Duration LISTING_LAG_ALLOWED = Duration.ofSeconds(30);
    /** ...and listings leaving such a task out this many times in a row are not to be trusted. */
    static final int MISSING_ROUNDS = 3;
    /** How long an account with no running task is looked at again before its chain ends (the slot-holders index lags). */
    static final long IDLE_RECHECK_MS = 2000;
    /** For a task whose request is not at hand (stored before summaries were): DashScope's typical run. */
    private static final LogNormal DEFAULT_EXPECTATION = new LogNormal(300, 0.4);

    /** What the watcher is built from; {@link #OFF} leaves every task to its own polls. */
    public record Setup(WatchLeases leases, WatchSettings settings) {
        public static final Setup OFF = new Setup(null, WatchSettings.OFF);
    }

    private final TaskStore store;
    private final TaskQueue queue;
    private final Upstreams upstreams;
    private final CallGates gates;
    private final RunningPolls polls;
    private final AccountHealth health;
    private final GenerationTimeModel times;
    private final WatchedAccounts watched;
    private final Clock clock;

    CompletionWatcher(TaskStore store, TaskQueue queue, Upstreams upstreams, RateGate rates, RunningPolls polls,
            AccountHealth health, GenerationTimeModel times, WatchedAccounts watched, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.upstreams = upstreams;
        this.gates = new CallGates(rates);
        this.polls = polls;
        this.health = health;
        this.times = times;
        this.watched = watched;
        this.clock = clock;
    }

    private WatchSettings settings() {
        return watched.settings();
    }

    /** What the turns of one chain carry from one invocation to the next (kept on the lease). */
    private static final class Streak {
        int failures;
        int missingRounds;

        Streak(Lease lease) {
            failures = lease.failures();
            missingRounds = lease.missingRounds();
        }
    }

    /** The next listing at {@code nextMs}, or the chain is over. */
    private record Turn(boolean over, long nextMs) {
        static final Turn OVER = new Turn(true, 0);

        static Turn at(long nextMs) {
            return new Turn(false, nextMs);
        }
    }

    /** One {@code watch} message: the turn it names, and as many more as are due within the session. */
    public void watch(TaskMessage message) {
        String account = message.account();
        WatchLeases leases = watched.leases();
        if (leases == null || account == null) {
            return;
        }
        Lease lease = leases.read(account).orElse(null);
        if (lease == null || message.version() == null || !lease.heldBy(message.lease(), message.version())) {
            LOG.debug("stale watch message for account {}; dropped", account);
            return;
        }
        long now = clock.millis();
        VideoUpstream upstream = upstreams.find(account).orElse(null);
        if (upstream == null || !upstream.listsTasks() || !settings().enabled() || lease.off(now)) {
            leases.release(lease);
            return;
        }
        if (lease.nextMs() - now > INLINE_WAIT_MS + 1000) {
            // Early (a queue that delivers before the delay): wait again without taking the turn.
            queue.send(message, WatchedAccounts.queueDelaySeconds(lease.nextMs() - now));
            return;
        }
        Streak streak = new Streak(lease);
        long sessionEnd = now + settings().session().toMillis();
        long next = lease.nextMs();
        while (true) {
            sleepUntil(next);
            Turn turn;
            try {
                turn = turn(upstream, lease, streak);
            } catch (RuntimeException e) {
                // Our own storage failing is not the listing's fault: try again shortly, the safety net meanwhile.
                LOG.warn("completion watcher for account {}: turn failed ({}); next in 5 s", account, e.toString());
                turn = Turn.at(clock.millis() + 5000);
            }
            if (turn.over()) {
                return;
            }
            next = turn.nextMs();
            now = clock.millis();
            if (next - now > INLINE_WAIT_MS || next > sessionEnd) {
                break;
            }
        }
        int delay = WatchedAccounts.queueDelaySeconds(next - clock.millis());
        long due = clock.millis() + delay * 1000L;
        leases.handOver(lease, due, due + settings().session().toMillis() + WatchedAccounts.LEASE_GRACE.toMillis(),
                streak.failures, streak.missingRounds).ifPresentOrElse(
                        passed -> queue.send(TaskMessage.watch(account, passed.owner(), passed.version()), delay),
                        () -> LOG.debug("completion watcher for account {}: a newer turn holds the lease; this one ends", account));
    }

    /** The sweep's part: an account with running tasks and no live chain (one was lost) gets one. */
    public void sweep() {
        if (!settings().enabled() || watched.leases() == null) {
            return;
        }
        for (VideoUpstream upstream : upstreams.all()) {
            if (!upstream.listsTasks()) {
                continue;
            }
            try {
                if (!store.runningOn(upstream.account()).isEmpty()) {
                    watched.ensureWatching(upstream.account(), 0);
                }
            } catch (RuntimeException e) {
                LOG.warn("sweep: could not check the completion watcher of account {}: {}", upstream.account(), e.toString());
            }
        }
    }

    private Turn turn(VideoUpstream upstream, Lease lease, Streak streak) {
        String account = upstream.account();
        List<RunningTask> running = running(account);
        if (running.isEmpty()) {
            // The index lags its table by a moment: look once more before letting go.
            sleepUntil(clock.millis() + IDLE_RECHECK_MS);
            running = running(account);
            if (running.isEmpty()) {
                watched.leases().release(lease);
                watched.forget(account);
                LOG.info("completion watcher for account {} ended: nothing running", account);
                if (!running(account).isEmpty()) {
                    // A task started while the chain was ending, its own start having found the lease still held.
                    watched.ensureWatching(account, 0);
                }
                return Turn.OVER;
            }
        }
        long now = clock.millis();
        long oldest = running.stream().mapToLong(RunningTask::submittedMs).min().orElse(now);
        Instant until = Instant.ofEpochMilli(now).plus(WINDOW_MARGIN);
        Instant since = Instant.ofEpochMilli(oldest).minus(WINDOW_MARGIN);
        if (since.isBefore(until.minus(LONGEST_WINDOW))) {
            since = until.minus(LONGEST_WINDOW);
        }
        Map<String, ListedTask> listed = new HashMap<>();
        int pages = 0;
        for (int page = 1; page <= MAX_PAGES; page++) {
            long wait = gates.acquire(upstream.listGate());
            if (wait > 0) {
                // The account's queries are using its rate just now: come back when a slot frees.
                return Turn.at(clock.millis() + wait);
            }
            TaskListing listing;
            try {
                listing = upstream.listTasks(since, until, page);
            } catch (UpstreamException e) {
                return listingFailed(upstream, running, streak, e);
            }
            pages++;
            listing.tasks().forEach(t -> listed.put(t.taskId(), t));
            if (listing.last()) {
                break;
            }
        }
        streak.failures = 0;
        long listedAt = clock.millis();
        List<ListingCadence.Watched> stillRunning = new ArrayList<>();
        boolean missing = false;
        int finished = 0;
        for (RunningTask ours : running) {
            ListedTask seen = listed.get(ours.upstreamId());
            if (seen == null) {
                missing |= listedAt - ours.submittedMs() > LISTING_LAG_ALLOWED.toMillis();
                stillRunning.add(watching(ours, null, listedAt));
            } else if (seen.view().state().terminal()) {
                advance(ours, seen);
                finished++;
            } else if (seen.view().state() != UpstreamState.WAITING) {
                // Waiting upstream, it cannot finish before it starts: only running ones shape the cadence.
                stillRunning.add(watching(ours, seen.startedMs(), listedAt));
            }
        }
        streak.missingRounds = missing ? streak.missingRounds + 1 : 0;
        if (streak.missingRounds >= MISSING_ROUNDS) {
            turnOff(account, running, "ListingIncomplete", "its listings left out tasks accepted more than "
                    + LISTING_LAG_ALLOWED.toSeconds() + " s before, " + MISSING_ROUNDS + " times in a row (a listing that lags, "
                    + "a window read in another time zone, or more than " + MAX_PAGES + " pages of tasks)", OFF_AFTER_FAILURES);
            return Turn.OVER;
        }
        if (finished == running.size()) {
            // All of them ended: look again shortly, to end the chain or to take in what started meanwhile.
            return Turn.at(clock.millis() + IDLE_RECHECK_MS);
        }
        ListingCadence cadence = settings().cadence(upstream.limits());
        // The budget share bounds calls, not listings: a listing of several pages waits as many intervals.
        double seconds = Math.max(pages * cadence.settings().minIntervalSeconds(), cadence.nextIntervalSeconds(stillRunning));
        LOG.debug("account {}: listed {} tasks in {} ms, {} of our {} running finished; next listing in {} ms", account,
                listed.size(), listedAt - now, finished, running.size(), Math.round(seconds * 1000));
        return Turn.at(clock.millis() + Math.round(seconds * 1000));
    }

    /** The account's tasks running upstream (created there, their end not yet recorded), from the running index. */
    private List<RunningTask> running(String account) {
        return store.runningOn(account);
    }

    /** A running task as the cadence sees it: counted from when the listing says it started, else its run origin. */
    private ListingCadence.Watched watching(RunningTask ours, Long startedMs, long nowMs) {
        VideoSpec spec = ours.summary();
        if (spec == null) {
            spec = store.find(ours.taskId()).map(VideoTask::spec).orElse(null);
        }
        long origin = startedMs != null ? startedMs : ours.runOriginMs() != null ? ours.runOriginMs() : ours.submittedMs();
        return new ListingCadence.Watched(spec == null ? DEFAULT_EXPECTATION : times.expected(spec),
                Math.max(0, nowMs - origin) / 1000.0);
    }

    /** The listing shows one of ours finished: on to the usual finish, through one query unless the listing said it all. */
    private void advance(RunningTask ours, ListedTask seen) {
        try {
            VideoTask task = store.find(ours.taskId()).orElse(null);
            if (task == null || task.state() != TaskState.RUNNING || !seen.taskId().equals(task.upstreamId())) {
                return;
            }
            LOG.debug("task {} listed {} upstream", task.id(), seen.view().rawStatus());
            if (seen.complete()) {
                polls.applyView(task, seen.view());
            } else {
                polls.poll(task);
            }
        } catch (RuntimeException e) {
            LOG.warn("task {} was listed finished but could not be advanced ({}); its own polls will", ours.taskId(), e.toString());
        }
    }

    private Turn listingFailed(VideoUpstream upstream, List<RunningTask> running, Streak streak, UpstreamException e) {
        String account = upstream.account();
        switch (e.kind()) {
            case UNRECOGNISED_ANSWER -> {
                turnOff(account, running, "UnrecognisedAnswer", "its listing answered in a shape this gateway does not "
                        + "understand (" + e.getMessage() + ")", OFF_AFTER_UNRECOGNISED);
                return Turn.OVER;
            }
            case PERMANENT, NOT_FOUND, NOT_CANCELLABLE, UNCERTAIN -> {
                turnOff(account, running, "ListingRefused", "the upstream refused the listing request (" + e.getMessage()
                        + ")", OFF_AFTER_UNRECOGNISED);
                return Turn.OVER;
            }
            case ACCOUNT_UNUSABLE -> health.refused(account, e);
            case THROTTLED, TRANSIENT -> { }
        }
        streak.failures++;
        if (streak.failures >= MAX_FAILURES) {
            turnOff(account, running, "ListingFailing", "its last " + MAX_FAILURES + " listings failed, the last with "
                    + e.kind() + " (" + e.getMessage() + ")", OFF_AFTER_FAILURES);
            return Turn.OVER;
        }
        long backoff = 1000L << Math.min(streak.failures, 5);
        LOG.warn("completion watcher for account {}: listing {} ({}); next in {} ms", account, e.kind(), e.getMessage(), backoff);
        return Turn.at(clock.millis() + backoff);
    }

    /**
     * Stands the watcher aside for the account: polling on the normal plan takes over, starting with a poll of each
     * running task once every instance's view of the watcher has caught up.
     */
    private void turnOff(String account, List<RunningTask> running, String reason, String why, Duration forHow) {
        long now = clock.millis();
        watched.leases().turnOff(account, reason + ": " + why, now, now + forHow.toMillis());
        watched.forget(account);
        LOG.error("completion watcher for account {} turned off for {} min: {}. Its tasks are polled on the normal schedule "
                + "meanwhile.", account, forHow.toMinutes(), why);
        Metrics.count(Metric.COMPLETION_WATCHER_OFF, account, reason);
        int delay = (int) WatchedAccounts.STATE_CACHE.toSeconds() + 1;
        for (RunningTask ours : running) {
            try {
                store.find(ours.taskId()).filter(t -> t.state() == TaskState.RUNNING).ifPresent(t -> polls.pollAgainIn(t, delay));
            } catch (RuntimeException e) {
                LOG.warn("task {} stays on its safety-net polls ({})", ours.taskId(), e.toString());
            }
        }
    }

    private void sleepUntil(long atMs) {
        long wait = atMs - clock.millis();
        if (wait <= 0) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next listing", e);
        }
    }
}
