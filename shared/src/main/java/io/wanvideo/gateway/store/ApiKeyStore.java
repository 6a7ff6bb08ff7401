package io.wanvideo.gateway.store;

import java.util.Optional;

/** API keys by their SHA-256 hash; a key's plain text is never stored. */
public interface ApiKeyStore {
    /** @return the tenant owning the key with this hash */
    Optional<String> tenantFor(String keyHashHex);

    void put(String keyHashHex, String tenant);
}
