package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Reads a secret string; loaded only when a secret ARN is configured. */
final class SecretsManagerKeys {
    private SecretsManagerKeys() {}

    static String read(Env env, String secretArn) {
        try (SecretsManagerClient client = AwsClientSettings.build(SecretsManagerClient.builder(), env, "SECRETS_MANAGER")) {
            return client.getSecretValue(r -> r.secretId(secretArn)).secretString();
        }
    }
}
