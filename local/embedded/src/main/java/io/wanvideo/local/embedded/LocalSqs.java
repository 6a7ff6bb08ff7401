package io.wanvideo.local.embedded;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ, in this JVM, speaking the SQS protocol on a loopback port. Queues live in memory. */
public final class LocalSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final int port;

    private LocalSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** On a free port. */
    public static LocalSqs start() {
        return start(0);
    }

    /** @param port 0 for a free port */
    public static LocalSqs start(int port) {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withPort(port)
                .withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000")
                .start();
        int bound = server.waitUntilStarted().localAddress().getPort();
        return new LocalSqs(server, bound);
    }

    public int port() {
        return port;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
