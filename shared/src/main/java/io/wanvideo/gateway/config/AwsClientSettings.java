package io.wanvideo.gateway.config;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

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
                .httpClient(new DryRunHttpClient(UrlConnectionHttpClient.builder().build()));
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

    /** Every provider handed to a client, while the client lives, so that {@link #renewCredentials} reaches them all. */
    private static final Set<RenewableCredentials> CREDENTIALS = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));

    static AwsCredentialsProvider credentials(Env env, boolean localEndpoint) {
        RenewableCredentials credentials = new RenewableCredentials(() -> source(env, localEndpoint));
        CREDENTIALS.add(credentials);
        return credentials;
    }

    /**
     * Where the credentials come from, never copied into a fixed value: under SnapStart, Lambda serves them from
     * its container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) and sets no key variables; without SnapStart it
     * sets the key variables, which stay valid for the environment's life and are read as they are at each use.
     * Local endpoints take any credentials.
     */
    private static AwsCredentialsProvider source(Env env, boolean localEndpoint) {
        if (env.optional("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()) {
            return ContainerCredentialsProvider.builder().build();
        }
        if (env.optional("AWS_ACCESS_KEY_ID").isPresent() && env.optional("AWS_SECRET_ACCESS_KEY").isPresent()) {
            return () -> {
                String keyId = env.required("AWS_ACCESS_KEY_ID");
                String secret = env.required("AWS_SECRET_ACCESS_KEY");
                return env.optional("AWS_SESSION_TOKEN")
                        .<AwsCredentials>map(token -> AwsSessionCredentials.create(keyId, secret, token))
                        .orElseGet(() -> AwsBasicCredentials.create(keyId, secret));
            };
        }
        if (localEndpoint) {
            // DynamoDB Local, ElasticMQ and S3Proxy accept any credentials; do not go looking for real ones.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * After a SnapStart restore: every client's credentials are read afresh (whatever a provider cached before the
     * snapshot belongs to the snapshot, not to this copy), and fetched at once so the first request does not wait.
     */
    static void renewCredentials() {
        List<RenewableCredentials> all;
        synchronized (CREDENTIALS) {
            all = List.copyOf(CREDENTIALS);
        }
        all.forEach(RenewableCredentials::renew);
    }

    /** A provider whose source can be replaced by a fresh one; clients keep the same instance. */
    static final class RenewableCredentials implements AwsCredentialsProvider {
        private final Supplier<AwsCredentialsProvider> fresh;
        private volatile AwsCredentialsProvider current;

        RenewableCredentials(Supplier<AwsCredentialsProvider> fresh) {
            this.fresh = fresh;
            this.current = fresh.get();
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return current.resolveCredentials();
        }

        void renew() {
            AwsCredentialsProvider old = current;
            current = fresh.get();
            if (old instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
            try {
                current.resolveCredentials();
            } catch (RuntimeException e) {
                // The first request will try again and report it.
            }
        }

        AwsCredentialsProvider current() {
            return current;
        }
    }
}
