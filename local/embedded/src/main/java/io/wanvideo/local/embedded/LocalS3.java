package io.wanvideo.local.embedded;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.apis.ApiMetadata;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.filesystem.FilesystemApiMetadata;

/**
 * S3Proxy, in this JVM, speaking the S3 protocol on a loopback port: objects in memory (jclouds' transient
 * store) or as files under a directory (its filesystem store), where they survive a restart. Requests must be
 * signed with the given key pair, so presigned URLs are checked and expire as they would on S3.
 */
public final class LocalS3 implements AutoCloseable {
    /** What the gateway's clients sign with against a local endpoint when no credentials are set. */
    public static final String ACCESS_KEY_ID = "local";
    public static final String SECRET_ACCESS_KEY = "local";

    private final S3Proxy proxy;
    private final BlobStoreContext store;
    private final int port;

    private LocalS3(S3Proxy proxy, BlobStoreContext store, int port) {
        this.proxy = proxy;
        this.store = store;
        this.port = port;
    }

    /** In memory, on a free port. */
    public static LocalS3 start() {
        return start(null);
    }

    /** @param dataDir null for in-memory; otherwise the directory that holds one subdirectory per bucket */
    public static LocalS3 start(Path dataDir) {
        return start(0, dataDir, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    }

    /**
     * @param port 0 for a free port
     * @param dataDir null for in-memory; otherwise the directory that holds one subdirectory per bucket
     * @param accessKeyId the key pair requests must be signed with (SigV4 or SigV2)
     */
    public static LocalS3 start(int port, Path dataDir, String accessKeyId, String secretAccessKey) {
        Properties properties = new Properties();
        ApiMetadata api = new TransientApiMetadata();
        if (dataDir != null) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the S3 data directory " + dataDir, e);
            }
            api = new FilesystemApiMetadata();
            properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        }
        // By metadata, not by name: a lookup by name instantiates every registered provider, and S3Proxy registers
        // an Azure one whose jclouds classes are left out (root pom, S3Proxy's exclusions).
        BlobStoreContext store = ContextBuilder.newBuilder(api).overrides(properties).build(BlobStoreContext.class);
        // Jetty can bind port 0, but S3Proxy wants its endpoint (and so the port) before it starts.
        int chosen = port == 0 ? LoopbackPorts.free() : port;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + chosen))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
                // S3Proxy answers 501 to headers it does not implement, such as the CRC32 checksum the SDK puts on
                // every DeleteObjects; S3 checks it, S3Proxy can only ignore it.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            // start() returns before Jetty accepts connections.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
                    throw new IllegalStateException("S3Proxy is " + proxy.getState());
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            stopQuietly(proxy);
            store.close();
            throw new IllegalStateException("S3Proxy did not start on port " + chosen, e);
        }
        return new LocalS3(proxy, store, chosen);
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            store.close();
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // already failing
        }
    }
}
