package io.wanvideo.gateway.auth;

/**
 * Who made a request: the tenant its key belongs to, that tenant's limits, and whether the key is an operator's
 * (it may see the whole pool in GET /v1/stats; it sees no other tenant's tasks).
 */
public record Caller(String tenant, TenantPolicy policy, boolean operator) {
    /** A tenant's caller, not an operator. */
    public Caller(String tenant, TenantPolicy policy) {
        this(tenant, policy, false);
    }
}
