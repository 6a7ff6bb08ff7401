package io.wanvideo.gateway.config;

import io.wanvideo.gateway.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the DashScope API key comes from, first match wins:
 * DASHSCOPE_API_KEY_SECRET_ARN (a Secrets Manager secret: the key itself, or JSON with "api_key"),
 * DASHSCOPE_API_KEY_PARAMETER (an SSM SecureString parameter), DASHSCOPE_API_KEY (plain, for local runs).
 * Read once at init; never logged.
 */
public final class DashScopeKeys {
    private DashScopeKeys() {}

    public static String resolve(Env env) {
        var secretArn = env.optional("DASHSCOPE_API_KEY_SECRET_ARN");
        if (secretArn.isPresent()) {
            return fromSecretString(SecretsManagerKeys.read(env, secretArn.get()));
        }
        var parameter = env.optional("DASHSCOPE_API_KEY_PARAMETER");
        if (parameter.isPresent()) {
            return ParameterStoreKeys.read(env, parameter.get());
        }
        return env.optional("DASHSCOPE_API_KEY").orElseThrow(() -> new IllegalStateException(
                "no DashScope API key: set DASHSCOPE_API_KEY_SECRET_ARN, DASHSCOPE_API_KEY_PARAMETER or DASHSCOPE_API_KEY"));
    }

    static String fromSecretString(String secret) {
        String trimmed = secret.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode node = Json.tree(trimmed);
                JsonNode key = node.get("api_key");
                if (key != null && key.isTextual()) {
                    return key.textValue();
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the DashScope secret is neither a key nor JSON with \"api_key\"");
            }
            throw new IllegalStateException("the DashScope secret is JSON without an \"api_key\" string");
        }
        return trimmed;
    }
}
