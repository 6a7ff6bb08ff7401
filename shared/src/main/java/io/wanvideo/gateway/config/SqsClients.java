package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.sqs.SqsClient;

/** The SQS client; a class of its own so functions without SQS never load the SQS SDK. */
public final class SqsClients {
    private SqsClients() {}

    public static SqsClient create(Env env) {
        return AwsClientSettings.build(SqsClient.builder(), env, "SQS");
    }
}
