package io.wanvideo.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** API keys: how they are made and how they are hashed for storage. */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The key the functions' SnapStart priming presents (README, "Cold start"): not of the generated form, and whatever
     * a table holds, the priming requests carry nothing that could be stored.
     */
    public static final String PRIMING_KEY = "sk-priming-not-a-key";

    private ApiKeys() {}

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes; what `printf %s "$KEY" | sha256sum` prints. */
    public static String hash(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A new random key: "sk-wan-" and 32 hex digits (128 bits). */
    public static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "sk-wan-" + HexFormat.of().formatHex(bytes);
    }
}
