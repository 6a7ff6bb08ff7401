package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.ssm.SsmClient;

/** SecureString parameters, decrypted; loaded only when such a parameter is configured. */
final class ParameterStoreValues {
    private final SsmClient client;

    ParameterStoreValues(Env env) {
        client = AwsClientSettings.build(SsmClient.builder(), env, "SSM");
    }

    String read(String name) {
        return client.getParameter(r -> r.name(name).withDecryption(true)).parameter().value();
    }
}
