package io.wanvideo.gateway.config;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The DynamoDB client, built once per function instance. */
public final class DynamoDbClients {
    private DynamoDbClients() {}

    public static DynamoDbClient create(Env env) {
        return AwsClientSettings.build(DynamoDbClient.builder(), env, "DYNAMODB");
    }
}
