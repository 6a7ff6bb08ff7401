package io.wanvideo.gateway.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

/** A webhook endpoint on 127.0.0.1 for tests: records what arrives and answers as told. */
final class WebhookReceiver implements AutoCloseable {
    /** What one request brought. {@code serverName} is the TLS SNI host name, null over plain HTTP or without SNI. */
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body, String serverName) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    @FunctionalInterface
    interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver(HttpServer server, Answer answer) {
        this.server = server;
        server.createContext("/", exchange -> {
            try {
                String serverName = null;
                if (exchange instanceof HttpsExchange https && https.getSSLSession() instanceof ExtendedSSLSession tls) {
                    serverName = tls.getRequestedServerNames().stream().filter(SNIHostName.class::isInstance)
                            .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse(null);
                }
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes(), serverName));
                answer.answer(exchange);
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(threads);
        server.start();
    }

    static WebhookReceiver http(Answer answer) throws IOException {
        return new WebhookReceiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), answer);
    }

    static WebhookReceiver https(SSLContext tls, Answer answer) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new WebhookReceiver(server, answer);
    }

    static Answer status(int status) {
        return exchange -> {
            byte[] body = "{\"ok\":true}".getBytes();
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
