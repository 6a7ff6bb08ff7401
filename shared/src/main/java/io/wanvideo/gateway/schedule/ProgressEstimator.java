package io.wanvideo.gateway.schedule;

/**
 * An honest progress figure, since the upstream reports none.
 *
 * <p>For a task that has been running t seconds, the expected total is E[G | G > t] under the expected
 * generation-time distribution, so the expected fraction done is t / E[G | G > t]. That is shown as a
 * percentage, capped at 99 until the upstream says the task has finished. It rises quickly at first and
 * slows as a task runs past its expected time, which is what the evidence says.
 */
public final class ProgressEstimator {
    private ProgressEstimator() {}

    /** @return 0..99 */
    public static int runningPercent(LogNormal expected, double elapsedSeconds) {
        if (elapsedSeconds <= 0) {
            return 0;
        }
        double fraction = elapsedSeconds / expected.meanGiven(elapsedSeconds);
        return (int) Math.max(0, Math.min(99, Math.floor(100 * fraction)));
    }
}
