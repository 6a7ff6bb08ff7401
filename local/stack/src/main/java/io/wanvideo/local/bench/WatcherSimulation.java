package io.wanvideo.local.bench;

import io.wanvideo.gateway.schedule.ListingCadence;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;
import io.wanvideo.gateway.service.CompletionWatcher;
import io.wanvideo.gateway.service.WatchSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The completion watcher on one upstream account, simulated in time: tasks queue per slot pool and run
 * {@code slotsPerPool} at a time per pool (DashScope: 5 per model), a freed slot taken at once by the pool's next
 * task. The watcher lists the account at the cadence {@link ListingCadence} gives for the tasks running at that
 * moment (the production rule, fed what the watcher knows: each task's expected distribution and how long it has
 * run), a gap too long to wait out in the same invocation rounded to the whole second of the queue's delay; a task the listing shows finished costs one query for its result. Every task also keeps its safety-net
 * schedule (the production {@link PollPlanner} with the sparse settings the poller uses while the watcher is on);
 * a safety poll made before the watcher noticed the task costs a query, and notices it if it has finished.
 *
 * <p>It also counts the watcher's invocations and their billed time, as {@link CompletionWatcher} runs its turns,
 * assuming {@link #TURN_SECONDS} of work per listing and {@link #ADVANCE_SECONDS} per finished task.
 *
 * <p>Queries per task count listing pages (a page holds {@link #PAGE_SIZE} tasks of the listing's window: the tasks
 * created since shortly before the oldest running one), result queries and safety polls. Detection delay is from
 * a task's end to the listing or poll that saw it.
 */
final class WatcherSimulation {
    static final int PAGE_SIZE = 100;
    /** The listing's window starts this long before the oldest running task's creation, as the watcher's does. */
    static final double WINDOW_MARGIN_SECONDS = 60;
    /** Assumed work of one watcher turn (index queries, the listing call, the lease) and of advancing one finished task. */
    static final double TURN_SECONDS = 0.1;
    static final double ADVANCE_SECONDS = 0.15;

    /** A task of the workload: its pool, what the gateway expects of it, and how long it really takes. */
    record Job(int pool, LogNormal expected, double generationSeconds) {}

    /**
     * @param invocationsPerHour watcher invocations per hour of the run (each one queue message)
     * @param lambdaSecondsPerHour what those invocations are billed: waiting for due listings, and the work
     */
    record Outcome(double queriesPerTask, double listingsPerTask, double resultQueriesPerTask, double safetyPollsPerTask,
            double meanDelay, double p95Delay, double hours, double invocationsPerHour, double lambdaSecondsPerHour) {
        @Override
        public String toString() {
            return String.format("%6.2f queries/task   mean delay %5.2f s   p95 delay %5.2f s   (listings %.2f, results %.2f, "
                    + "safety polls %.2f per task; %.0f h simulated)", queriesPerTask, meanDelay, p95Delay, listingsPerTask,
                    resultQueriesPerTask, safetyPollsPerTask, hours);
        }
    }

    private static final class Running {
        final int index;
        final Job job;
        final double start;
        double nextPoll;
        int polls;

        Running(int index, Job job, double start) {
            this.index = index;
            this.job = job;
            this.start = start;
        }

        double end() {
            return start + job.generationSeconds();
        }
    }

    private WatcherSimulation() {}

    /**
     * What one run measured: over the whole workload, and over the part of it while every pool still had tasks
     * waiting (every slot busy: the account at its concurrency).
     *
     * @param busyTasks the indices (in the workload) of the tasks that finished while every pool was busy
     */
    record Run(Outcome whole, Outcome whileBusy, List<Integer> busyTasks) {}

    static Run run(List<Job> jobs, int pools, int slotsPerPool, ListingCadence cadence, PollPlanner safetyNet,
            WatchSettings settings) {
        return run(jobs, pools, slotsPerPool, cadence, safetyNet, settings, Events.NONE);
    }

    /**
     * Completion events the upstream pushes (README, "Completion events"): each task's event reaches the gateway
     * {@code delaySeconds} after its end, except a share {@code lost} of them, spread evenly over the tasks, which never
     * comes; an event costs one query (its task's result), as a listing's finding does.
     */
    record Events(double delaySeconds, double lost) {
        static final Events NONE = new Events(Double.NaN, 1);

        boolean arrives(int index) {
            // The golden ratio's fractional multiples spread the lost ones evenly, whatever the share.
            return !Double.isNaN(delaySeconds) && (index * 0.6180339887498949) % 1 >= lost;
        }
    }

    static Run run(List<Job> jobs, int pools, int slotsPerPool, ListingCadence cadence, PollPlanner safetyNet,
            WatchSettings settings, Events events) {
        double inline = CompletionWatcher.INLINE_WAIT_MS / 1000.0;
        double session = settings.session().toMillis() / 1000.0;
        List<Deque<Integer>> queues = new ArrayList<>();
        for (int p = 0; p < pools; p++) {
            queues.add(new ArrayDeque<>());
        }
        for (int i = 0; i < jobs.size(); i++) {
            queues.get(jobs.get(i).pool()).add(i);
        }
        Counts counts = new Counts(jobs.size());
        Counts busy = null;
        List<Running> running = new ArrayList<>();
        List<Double> created = new ArrayList<>();
        double now = 0;
        for (int p = 0; p < pools; p++) {
            for (int s = 0; s < slotsPerPool; s++) {
                start(jobs, queues.get(p), running, created, now, safetyNet);
            }
        }
        double nextListing = now + cadence.nextIntervalSeconds(watched(running, now));
        double sessionStart = now;
        counts.invocations = 1;
        while (!running.isEmpty()) {
            if (busy == null && queues.stream().anyMatch(Deque::isEmpty)) {
                busy = counts.copy(now);
            }
            Running polled = null;
            Running evented = null;
            for (Running r : running) {
                if (polled == null || r.nextPoll < polled.nextPoll) {
                    polled = r;
                }
                if (events.arrives(r.index) && (evented == null || r.end() < evented.end())) {
                    evented = r;
                }
            }
            double eventAt = evented == null ? Double.POSITIVE_INFINITY : evented.end() + events.delaySeconds();
            if (evented != null && eventAt < nextListing && (polled == null || eventAt <= polled.nextPoll)) {
                now = eventAt;
                counts.detected(evented, now);
                counts.results++;
                running.remove(evented);
                start(jobs, queues.get(evented.job.pool()), running, created, now, safetyNet);
                continue;
            }
            if (polled != null && polled.nextPoll < nextListing) {
                now = polled.nextPoll;
                counts.safetyPolls++;
                polled.polls++;
                if (polled.end() <= now) {
                    counts.detected(polled, now);
                    running.remove(polled);
                    start(jobs, queues.get(polled.job.pool()), running, created, now, safetyNet);
                } else {
                    polled.nextPoll = now + safetyNet.nextDelaySeconds(polled.job.expected(), now - polled.start, polled.polls);
                }
                continue;
            }
            now = nextListing;
            double at = now;
            double from = running.stream().mapToDouble(r -> r.start).min().orElse(now) - WINDOW_MARGIN_SECONDS;
            long inWindow = created.stream().filter(c -> c >= from).count();
            counts.pages += Math.max(1, (inWindow + PAGE_SIZE - 1) / PAGE_SIZE);
            List<Running> finished = running.stream().filter(r -> r.end() <= at).toList();
            for (Running r : finished) {
                counts.detected(r, now);
                counts.results++;
                running.remove(r);
            }
            for (Running r : finished) {
                start(jobs, queues.get(r.job.pool()), running, created, now, safetyNet);
            }
            double gap = cadence.nextIntervalSeconds(watched(running, now));
            // As CompletionWatcher runs its turns: a listing due soon is waited for in the same invocation (within the
            // session); a later one goes on the queue, its delay rounded to the whole second.
            counts.lambdaSeconds += TURN_SECONDS + ADVANCE_SECONDS * finished.size();
            if (gap <= inline && now + gap <= sessionStart + session) {
                counts.lambdaSeconds += gap;
                nextListing = now + gap;
            } else {
                counts.invocations++;
                nextListing = now + Math.round(gap);
                sessionStart = nextListing;
            }
        }
        if (busy == null) {
            busy = counts.copy(now);
        }
        return new Run(counts.outcome(now), busy.outcome(busy.at), busy.tasks());
    }

    /** Running totals; a copy freezes them at a moment. */
    private static final class Counts {
        final double[] delays;
        final int[] tasks;
        int detected;
        long pages;
        long results;
        long safetyPolls;
        long invocations;
        double lambdaSeconds;
        double at;

        Counts(int size) {
            delays = new double[size];
            tasks = new int[size];
        }

        void detected(Running r, double now) {
            delays[detected] = now - r.end();
            tasks[detected] = r.index;
            detected++;
        }

        Counts copy(double now) {
            Counts c = new Counts(delays.length);
            System.arraycopy(delays, 0, c.delays, 0, detected);
            System.arraycopy(tasks, 0, c.tasks, 0, detected);
            c.detected = detected;
            c.pages = pages;
            c.results = results;
            c.safetyPolls = safetyPolls;
            c.invocations = invocations;
            c.lambdaSeconds = lambdaSeconds;
            c.at = now;
            return c;
        }

        List<Integer> tasks() {
            return Arrays.stream(tasks, 0, detected).boxed().toList();
        }

        Outcome outcome(double now) {
            double[] sorted = Arrays.copyOf(delays, detected);
            Arrays.sort(sorted);
            double n = detected;
            double hours = now / 3600;
            return new Outcome((pages + results + safetyPolls) / n, pages / n, results / n, safetyPolls / n,
                    Arrays.stream(sorted).average().orElse(0), sorted[(int) Math.ceil(0.95 * sorted.length) - 1], hours,
                    invocations / hours, lambdaSeconds / hours);
        }
    }

    private static void start(List<Job> jobs, Deque<Integer> queue, List<Running> running, List<Double> created, double now,
            PollPlanner safetyNet) {
        Integer index = queue.poll();
        if (index == null) {
            return;
        }
        Job job = jobs.get(index);
        Running r = new Running(index, job, now);
        r.nextPoll = now + safetyNet.nextDelaySeconds(job.expected(), 0, 0);
        running.add(r);
        created.add(now);
        if (created.size() > 4 * PAGE_SIZE) {
            // Only the recent past can fall into a listing's window; forget the rest.
            created.subList(0, PAGE_SIZE).clear();
        }
    }

    private static List<ListingCadence.Watched> watched(List<Running> running, double now) {
        return running.stream().map(r -> new ListingCadence.Watched(r.job.expected(), now - r.start)).toList();
    }
}
