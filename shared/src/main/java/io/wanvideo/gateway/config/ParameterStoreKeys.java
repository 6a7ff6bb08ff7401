package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.ssm.SsmClient;

/** Reads a SecureString parameter; loaded only when a parameter name is configured. */
final class ParameterStoreKeys {
    private ParameterStoreKeys() {}

    static String read(Env env, String name) {
        try (SsmClient client = AwsClientSettings.build(SsmClient.builder(), env, "SSM")) {
            return client.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
        }
    }
}
