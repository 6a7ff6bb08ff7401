package io.wanvideo.gateway.config;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What every AWS client here shares: the region, the credentials, the URLConnection HTTP client (the
 * lightest to start), and an optional endpoint override (DynamoDB Local, ElasticMQ, S3Proxy, LocalStack).
 */
final class AwsClientSettings {
    private AwsClientSettings() {}

    /**
     * @param service the SDK's endpoint variable suffix: DYNAMODB, SQS, S3, SECRETS_MANAGER, SSM
     */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, Env env, String service) {
        Optional<URI> endpoint = endpoint(env, service);
        builder.region(region(env))
                .credentialsProvider(credentials(env, endpoint.isPresent()))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** AWS_ENDPOINT_URL_&lt;service&gt;, else AWS_ENDPOINT_URL, else none (the real service). */
    static Optional<URI> endpoint(Env env, String service) {
        return env.optional("AWS_ENDPOINT_URL_" + service).or(() -> env.optional("AWS_ENDPOINT_URL")).map(URI::create);
    }

    static Region region(Env env) {
        return Region.of(env.text("AWS_REGION", "us-east-1"));
    }

    static AwsCredentialsProvider credentials(Env env, boolean localEndpoint) {
        Optional<String> keyId = env.optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = env.optional("AWS_SECRET_ACCESS_KEY");
        if (keyId.isPresent() && secret.isPresent()) {
            // Lambda puts the function role's credentials here; reading them directly skips the provider chain.
            Optional<String> token = env.optional("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token.isPresent()
                    ? AwsSessionCredentials.create(keyId.get(), secret.get(), token.get())
                    : AwsBasicCredentials.create(keyId.get(), secret.get()));
        }
        if (localEndpoint) {
            // DynamoDB Local and ElasticMQ accept any credentials; do not go looking for real ones.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
