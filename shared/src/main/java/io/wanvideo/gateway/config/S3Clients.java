package io.wanvideo.gateway.config;

import io.wanvideo.gateway.storage.HttpSource;
import io.wanvideo.gateway.storage.ObjectStore;
import io.wanvideo.gateway.storage.s3.S3ObjectStore;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The S3 client and the object store on it; a class of its own so functions without S3 never load the S3 SDK. */
public final class S3Clients {
    private S3Clients() {}

    /**
     * Honours AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL). With an endpoint of our own (S3Proxy, LocalStack) the
     * bucket goes in the path, since a bucket subdomain of 127.0.0.1 does not resolve; and checksums are sent
     * only where S3 requires them, since S3Proxy cannot read the checksum trailer the SDK otherwise appends to
     * every upload. Against S3 itself the SDK's defaults stand: every PutObject and UploadPart carries a CRC32.
     */
    public static S3Client create(Env env) {
        S3ClientBuilder builder = S3Client.builder();
        if (AwsClientSettings.endpoint(env, "S3").isPresent()) {
            builder.forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        }
        return AwsClientSettings.build(builder, env, "S3");
    }

    /** Signs URLs locally, with the client's region, credentials, endpoint and addressing: they point where it does. */
    public static S3Presigner presigner(Env env) {
        Optional<URI> endpoint = AwsClientSettings.endpoint(env, "S3");
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(AwsClientSettings.region(env))
                .credentialsProvider(AwsClientSettings.credentials(env, endpoint.isPresent()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(endpoint.isPresent()).build());
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** The bucket of MEDIA_BUCKET behind the {@link ObjectStore} seam. */
    public static S3ObjectStore objectStore(Env env) {
        return new S3ObjectStore(create(env), presigner(env), GatewaySettings.mediaBucket(env),
                HttpSource.create(Duration.ofSeconds(5)));
    }
}
