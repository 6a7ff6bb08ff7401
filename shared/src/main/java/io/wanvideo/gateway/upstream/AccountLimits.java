package io.wanvideo.gateway.upstream;

/**
 * What one upstream account allows.
 *
 * @param slotsPerPool     tasks it runs at once per slot pool (DashScope: 5 per model)
 * @param createsPerSecond create calls per second per pool (DashScope: 5)
 * @param queriesPerSecond task queries per second for the whole account (DashScope: 20)
 */
public record AccountLimits(int slotsPerPool, double createsPerSecond, double queriesPerSecond) {
    public static final AccountLimits DASHSCOPE = new AccountLimits(5, 5, 20);

    public AccountLimits {
        if (slotsPerPool < 1 || !(createsPerSecond > 0) || !(queriesPerSecond > 0)) {
            throw new IllegalArgumentException("account limits must be positive");
        }
    }

    /**
     * Spacing between calls, 10% wider than the rate: requests spaced exactly at the limit can arrive a hair
     * closer together than they left.
     */
    public static long intervalMs(double perSecond) {
        return (long) Math.ceil(1000 * 1.1 / perSecond);
    }
}
