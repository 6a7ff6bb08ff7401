package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.schedule.LogNormal;
import io.wanvideo.gateway.schedule.PollPlanner;

/**
 * How a running task's end is looked for: by its own polls on the poll plan; or, while its account's completion
 * watcher is on, by the watcher's listings, the task's own polls going on as a safety net on a sparse plan (the same
 * planner with a much lower delay weight). A listing that fails, lags or is not understood then costs delay, never
 * correctness.
 */
final class PollPlans {
    private final PollPlanner plan;
    private final PollPlanner safetyNet;
    private final WatchedAccounts watched;

    PollPlans(PollPlanner plan, WatchedAccounts watched) {
        this.plan = plan;
        this.safetyNet = new PollPlanner(watched.settings().safetyNet());
        this.watched = watched;
    }

    /** Whole seconds from now to the task's next own poll (see {@link PollPlanner#nextDelaySeconds}). */
    int nextDelaySeconds(VideoTask task, LogNormal expected, double elapsed, int polls) {
        return (watched.watched(task.account()) ? safetyNet : plan).nextDelaySeconds(expected, elapsed, polls);
    }

    /**
     * A task has started running upstream: its account is watched from now on, the first listing (if this starts the
     * watcher) at the task's early point, where its own first poll would have caught a fast refusal.
     */
    void running(VideoTask task, LogNormal expected) {
        PollPlanner.Settings early = PollPlanner.Settings.DEFAULT;
        double seconds = Math.min(early.earlyMaxSeconds(), early.earlyFraction() * expected.medianSeconds());
        watched.ensureWatching(task.account(), Math.round(seconds * 1000));
    }
}
