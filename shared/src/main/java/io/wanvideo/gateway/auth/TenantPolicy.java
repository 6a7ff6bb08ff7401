package io.wanvideo.gateway.auth;

/**
 * What a tenant may do, from its API key record over the deployment's defaults (README, "Tenants").
 *
 * @param maxWaiting       tasks it may have waiting in one model's backlog
 * @param submitsPerMinute tasks it may submit per calendar minute
 * @param weight           its share of upstream slots against other tenants (2 = twice as many running tasks)
 * @param webhookUrl       where its completion events go when a request names no endpoint; null: nowhere
 */
public record TenantPolicy(int maxWaiting, int submitsPerMinute, double weight, String webhookUrl) {
    public static final double MIN_WEIGHT = 0.01;
    public static final double MAX_WEIGHT = 100;

    public TenantPolicy {
        if (maxWaiting < 1 || submitsPerMinute < 1 || !(weight >= MIN_WEIGHT && weight <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("tenant limits must be positive and the weight within [0.01, 100]");
        }
    }

    /** What one running task of this tenant adds to its load in the fair share. */
    public long fairStep() {
        return Math.round(io.wanvideo.gateway.model.VideoTask.UNIT_FAIR_STEP / weight);
    }
}
