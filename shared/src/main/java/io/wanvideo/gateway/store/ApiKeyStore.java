package io.wanvideo.gateway.store;

import java.util.Optional;

/** API keys by their SHA-256 hash; a key's plain text is never stored. */
public interface ApiKeyStore {
    /** @return the key's record: its tenant and whatever limits it sets (absent ones take the defaults) */
    Optional<ApiKeyRecord> find(String keyHashHex);

    void put(String keyHashHex, ApiKeyRecord record);

    /**
     * @param maxWaiting       null: the default
     * @param submitsPerMinute null: the default
     * @param weight           null: 1
     * @param webhookUrl       the tenant's default completion endpoint, or null
     */
    record ApiKeyRecord(String tenant, Integer maxWaiting, Integer submitsPerMinute, Double weight, String webhookUrl) {
        public static ApiKeyRecord of(String tenant) {
            return new ApiKeyRecord(tenant, null, null, null, null);
        }
    }
}
