package io.wanvideo.gateway.auth;

/** Who made a request: the tenant its key belongs to, and that tenant's limits. */
public record Caller(String tenant, TenantPolicy policy) {}
