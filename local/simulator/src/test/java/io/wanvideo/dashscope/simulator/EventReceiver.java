package io.wanvideo.dashscope.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * An event target on loopback, as the gateway's receiver would be: records every POST (attempts included) with
 * when it arrived, and answers each with the status chosen for its attempt number (1-based).
 */
final class EventReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One POST as received; {@code atMs} is the wall clock at arrival. */
    record Received(long atMs, String method, Headers headers, JsonNode body, int answered) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    EventReceiver() {
        this(attempt -> 200);
    }

    EventReceiver(IntUnaryOperator statusForAttempt) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            long at = System.currentTimeMillis();
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int status = statusForAttempt.applyAsInt(attempts.incrementAndGet());
            received.add(new Received(at, exchange.getRequestMethod(), exchange.getRequestHeaders(), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dashscope/events");
    }

    /** Every POST so far, failed attempts included. */
    List<Received> all() {
        return List.copyOf(received);
    }

    /** The POSTs answered 2xx: the events delivered. */
    List<Received> delivered() {
        return received.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    /** Waits, at most {@code timeoutMs}, until {@code n} events have been delivered; fails if they have not. */
    List<Received> awaitDelivered(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (delivered().size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertThat(delivered()).as("events delivered within %d ms", timeoutMs).hasSizeGreaterThanOrEqualTo(n);
        return delivered();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
