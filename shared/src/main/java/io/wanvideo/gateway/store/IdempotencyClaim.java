package io.wanvideo.gateway.store;

/**
 * An idempotency key's first use.
 *
 * @param keyHash     SHA-256 of the client's key (the key itself is never stored)
 * @param requestHash SHA-256 of the request it came with; a different request under the same key is refused
 * @param expiresMs   after this the key may be used again
 */
public record IdempotencyClaim(String tenant, String keyHash, String requestHash, String taskId, long expiresMs) {}
