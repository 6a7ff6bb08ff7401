package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Secret strings from Secrets Manager; loaded only when such a secret is configured. */
final class SecretsManagerValues {
    private final SecretsManagerClient client;

    SecretsManagerValues(Env env) {
        client = AwsClientSettings.build(SecretsManagerClient.builder(), env, "SECRETS_MANAGER");
    }

    String read(String secretId) {
        return client.getSecretValue(r -> r.secretId(secretId)).secretString();
    }

    java.util.Optional<String> readIfPresent(String secretId) {
        try {
            return java.util.Optional.of(read(secretId));
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException absent) {
            return java.util.Optional.empty();
        }
    }
}
