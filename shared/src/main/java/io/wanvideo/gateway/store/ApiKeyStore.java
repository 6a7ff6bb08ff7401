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
     * @param operator         the key of whoever runs the deployment: GET /v1/stats shows it the whole pool, not
     *                         only its own tenant's tasks
     */
    record ApiKeyRecord(String tenant, Integer maxWaiting, Integer submitsPerMinute, Double weight, String webhookUrl,
            boolean operator) {
        /** A tenant's key, not an operator's. */
        public ApiKeyRecord(String tenant, Integer maxWaiting, Integer submitsPerMinute, Double weight, String webhookUrl) {
            this(tenant, maxWaiting, submitsPerMinute, weight, webhookUrl, false);
        }

        public static ApiKeyRecord of(String tenant) {
            return new ApiKeyRecord(tenant, null, null, null, null, false);
        }

        public static ApiKeyRecord operator(String tenant) {
            return new ApiKeyRecord(tenant, null, null, null, null, true);
        }
    }
}
