package io.wanvideo.gateway.config;

/** Where a secret (a DashScope key, a webhook signing secret) is kept. Never the value itself, except locally. */
public sealed interface SecretRef {
    /**
     * A Secrets Manager secret: the value itself, or JSON with the value under {@code field}; a null field
     * means the secret string as it is, JSON or not.
     */
    record InSecretsManager(String secretId, String field) implements SecretRef {}

    /** An SSM SecureString parameter, read decrypted. */
    record InParameterStore(String name) implements SecretRef {}

    /** The value itself: for the local stack and tests only. */
    record Plain(String value) implements SecretRef {
        @Override
        public String toString() {
            return "Plain[***]";
        }
    }
}
