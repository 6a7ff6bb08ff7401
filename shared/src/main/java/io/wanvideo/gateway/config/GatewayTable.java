package io.wanvideo.gateway.config;

import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.store.AccountStates;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.RateGate;
import io.wanvideo.gateway.store.TaskStore;
import io.wanvideo.gateway.store.WatchLeases;
import io.wanvideo.gateway.store.dynamodb.DynamoAccountStates;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoRateGate;
import io.wanvideo.gateway.store.dynamodb.DynamoTaskStore;
import io.wanvideo.gateway.store.dynamodb.DynamoWatchLeases;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The task table as every function reaches it: one client, built once, and the stores on top of it. */
public record GatewayTable(DynamoDbClient client, String name, TaskStore tasks, ApiKeyStore apiKeys, Clock clock) {

    public static GatewayTable connect(Env env, Clock clock) {
        DynamoDbClient client = DynamoDbClients.create(env);
        String name = GatewaySettings.tableName(env);
        return new GatewayTable(client, name, new DynamoTaskStore(client, name, GatewaySettings.retention(env), clock),
                new DynamoApiKeyStore(client, name), clock);
    }

    /** Bearer keys checked against this table's key hashes. */
    public Authenticator authenticator(Env env) {
        return new Authenticator(apiKeys, GatewaySettings.tenantDefaults(env), clock, GatewaySettings.apiKeyCache(env));
    }

    public RateGate rateGate() {
        return new DynamoRateGate(client, name, clock);
    }

    public AccountStates accountStates() {
        return new DynamoAccountStates(client, name);
    }

    public WatchLeases watchLeases() {
        return new DynamoWatchLeases(client, name);
    }
}
