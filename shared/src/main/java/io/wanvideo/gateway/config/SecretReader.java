package io.wanvideo.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.IOException;

/**
 * Reads secrets from where their {@link SecretRef} says. The Secrets Manager and SSM clients are built on first
 * use and reused, and their SDK classes are only loaded by functions that read such a secret.
 */
public final class SecretReader {
    private final Env env;
    private volatile SecretsManagerValues secrets;
    private volatile ParameterStoreValues parameters;

    public SecretReader(Env env) {
        this.env = env;
    }

    public String read(SecretRef ref) {
        if (ref instanceof SecretRef.Plain plain) {
            return plain.value();
        }
        if (ref instanceof SecretRef.InSecretsManager secret) {
            String value = secretsManager().read(secret.secretId());
            return secret.field() == null ? value : field(value, secret.field(), secret.secretId());
        }
        if (ref instanceof SecretRef.InParameterStore parameter) {
            return parameterStore().read(parameter.name()).trim();
        }
        throw new IllegalArgumentException("unknown secret reference " + ref);
    }

    /** Like {@link #read}, but a secret that does not exist is empty rather than an error. */
    public java.util.Optional<String> readIfPresent(SecretRef ref) {
        if (ref instanceof SecretRef.InSecretsManager secret) {
            java.util.Optional<String> value = secretsManager().readIfPresent(secret.secretId());
            return secret.field() == null ? value : value.map(v -> field(v, secret.field(), secret.secretId()));
        }
        return java.util.Optional.of(read(ref));
    }

    /** The secret string itself, or, when it is JSON, the named field of it. */
    static String field(String secret, String field, String where) {
        String trimmed = secret.trim();
        if (!trimmed.startsWith("{")) {
            return trimmed;
        }
        JsonNode value;
        try {
            value = Json.tree(trimmed).get(field);
        } catch (IOException e) {
            throw new IllegalStateException("secret " + where + " is neither a plain value nor JSON");
        }
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("secret " + where + " is JSON without a \"" + field + "\" string");
        }
        return value.textValue().trim();
    }

    private SecretsManagerValues secretsManager() {
        if (secrets == null) {
            synchronized (this) {
                if (secrets == null) {
                    secrets = new SecretsManagerValues(env);
                }
            }
        }
        return secrets;
    }

    private ParameterStoreValues parameterStore() {
        if (parameters == null) {
            synchronized (this) {
                if (parameters == null) {
                    parameters = new ParameterStoreValues(env);
                }
            }
        }
        return parameters;
    }
}
