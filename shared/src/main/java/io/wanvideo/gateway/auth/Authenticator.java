package io.wanvideo.gateway.auth;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.ApiKeyStore.ApiKeyRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns `Authorization: Bearer <key>` into a {@link Caller}. Keys are looked up by their SHA-256 hash, never
 * held or stored in plain text; a lookup by hash reveals nothing about other keys through timing, since
 * nobody can choose a key whose hash shares a prefix with a stored one.
 *
 * <p>Known keys are cached for a short while per function instance, so a hot function does not read the
 * table on every request; a revoked key stops working within that time.
 */
public final class Authenticator {
    private final ApiKeyStore keys;
    private final TenantPolicy defaults;
    private final Clock clock;
    private final long cacheMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Caller caller, long untilMs) {}

    /** @param defaults the limits of a key record that sets none of its own */
    public Authenticator(ApiKeyStore keys, TenantPolicy defaults, Clock clock, Duration cacheFor) {
        this.keys = keys;
        this.defaults = defaults;
        this.clock = clock;
        this.cacheMillis = cacheFor.toMillis();
    }

    /** @return the tenant that owns the request's key, and its limits */
    public Caller caller(ApiRequest request) {
        String hash = ApiKeys.hash(bearer(request, "your API key"));
        long now = clock.millis();
        Cached cached = cache.get(hash);
        if (cached != null && cached.untilMs > now) {
            return cached.caller;
        }
        Optional<ApiKeyRecord> record = keys.find(hash);
        if (record.isEmpty()) {
            cache.remove(hash);
            throw ApiError.invalidApiKey("Incorrect API key provided.");
        }
        Caller caller = new Caller(record.get().tenant(), policy(record.get()), record.get().operator());
        if (cacheMillis > 0) {
            cache.put(hash, new Cached(caller, now + cacheMillis));
        }
        return caller;
    }

    /** The tenant's own limits where its record sets them; a record with nonsense limits falls back to the defaults. */
    private TenantPolicy policy(ApiKeyRecord r) {
        try {
            return new TenantPolicy(r.maxWaiting() != null ? r.maxWaiting() : defaults.maxWaiting(),
                    r.submitsPerMinute() != null ? r.submitsPerMinute() : defaults.submitsPerMinute(),
                    r.weight() != null ? r.weight() : defaults.weight(),
                    r.webhookUrl() != null ? r.webhookUrl() : defaults.webhookUrl());
        } catch (IllegalArgumentException e) {
            return new TenantPolicy(defaults.maxWaiting(), defaults.submitsPerMinute(), defaults.weight(),
                    r.webhookUrl() != null ? r.webhookUrl() : defaults.webhookUrl());
        }
    }

    /** The token of the request's {@code Authorization: Bearer <token>} header; {@code what} names it in the refusal. */
    public static String bearer(ApiRequest request, String what) {
        String header = request.header("authorization");
        if (header == null || header.isBlank()) {
            throw ApiError.invalidApiKey("Missing " + (what.startsWith("your ") ? "API key" : what) + ": send `Authorization: "
                    + "Bearer <" + what + ">`.");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].toLowerCase(Locale.ROOT).equals("bearer") || parts[1].isBlank()) {
            throw ApiError.invalidApiKey("Malformed Authorization header: expected `Bearer <" + what + ">`.");
        }
        return parts[1].trim();
    }
}
