package io.wanvideo.dashscope.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A caller's API key as the simulator remembers it: a stable label derived from the key, never the key, so
 * stats, logs, the task list and the journal can name the account without leaking the secret.
 */
record ApiKey(String label) {

    static ApiKey of(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return new ApiKey("key-" + HexFormat.of().formatHex(hash, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A numeric account id for the listing's caller_uid and caller_parent_id, stable for the label. */
    static String accountId(String label) {
        long n = Long.parseLong(label.substring("key-".length()), 16);
        return String.format("%016d", n);
    }
}
