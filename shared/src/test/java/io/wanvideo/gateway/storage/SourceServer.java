package io.wanvideo.gateway.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP server standing in for a copy's source (a DashScope result URL): it serves reproducible bytes
 * of any size, with or without a Content-Length, and misbehaves on request: any status, no answer at all, an
 * answer that stalls or breaks off part-way.
 */
public final class SourceServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** Holds stalled answers until the server closes. */
    private final CountDownLatch closing = new CountDownLatch(1);

    public SourceServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The bytes a source of {@code size} bytes serves: the same for the same size, different at every offset. */
    public static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** {@code size} bytes with a Content-Length. */
    public URI video(int size) {
        return uri("/video?size=" + size);
    }

    /** {@code size} bytes, chunked: the length is unknown until the end. */
    public URI videoOfUnknownLength(int size) {
        return uri("/video?size=" + size + "&chunked=true");
    }

    public URI status(int status) {
        return uri("/status?code=" + status);
    }

    /** Accepts the connection, then never answers. */
    public URI silent() {
        return uri("/silent");
    }

    /** Promises {@code size} bytes, sends {@code sent}, then stalls. */
    public URI stallingAfter(int size, int sent) {
        return uri("/video?size=" + size + "&stallAfter=" + sent);
    }

    /** Promises {@code size} bytes, sends {@code sent}, then drops the connection. */
    public URI breakingOffAfter(int size, int sent) {
        return uri("/video?size=" + size + "&breakAfter=" + sent);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            switch (path) {
                case "/status" -> {
                    exchange.sendResponseHeaders(Integer.parseInt(param(query, "code")), -1);
                }
                case "/silent" -> stall();
                case "/video" -> {
                    int size = Integer.parseInt(param(query, "size"));
                    boolean chunked = "true".equals(param(query, "chunked"));
                    byte[] bytes = content(size);
                    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
                    exchange.sendResponseHeaders(200, chunked ? 0 : size);
                    OutputStream out = exchange.getResponseBody();
                    String stallAfter = param(query, "stallAfter");
                    String breakAfter = param(query, "breakAfter");
                    if (stallAfter != null) {
                        out.write(bytes, 0, Integer.parseInt(stallAfter));
                        out.flush();
                        stall();
                    } else if (breakAfter != null) {
                        out.write(bytes, 0, Integer.parseInt(breakAfter));
                        out.flush();
                        // Closing the exchange short of the promised length drops the connection.
                    } else {
                        out.write(bytes);
                    }
                }
                default -> exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private void stall() {
        try {
            closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return kv.length > 1 ? kv[1] : "";
            }
        }
        return null;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
