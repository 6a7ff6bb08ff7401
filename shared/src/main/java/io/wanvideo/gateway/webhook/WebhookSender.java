package io.wanvideo.gateway.webhook;

import io.wanvideo.gateway.net.NetworkAddresses;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * POSTs signed webhooks to tenants' URLs, safely: the host is resolved once per connection and every
 * address is checked with {@link WebhookTargets} before the connection is opened to exactly those
 * addresses, so a DNS answer that changes between check and connect (DNS rebinding) cannot lead anywhere
 * else. TLS still verifies the certificate against the URL's host name and sends it as SNI. Redirects are
 * never followed: a 3xx is an answer like any other non-2xx. Each attempt is short and reads only the
 * start of the answer.
 *
 * <p>Jetty's client, because it lets a resolver choose the connected address; the JDK's does not. It is
 * built on the first delivery and reused, so a function that never delivers pays nothing for it. Only the
 * poller's jar carries Jetty: load this class nowhere else.
 */
public final class WebhookSender implements AutoCloseable {
    /**
     * @param connectTimeout for opening one connection (per address tried)
     * @param attemptTimeout for the whole attempt: lookup, connection, TLS, request and answer
     * @param maxResponseBytes how much of the answer body is read; the rest is dropped with the connection
     * @param userAgent the {@code User-Agent} header
     */
    public record Settings(Duration connectTimeout, Duration attemptTimeout, int maxResponseBytes, String userAgent) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(3), Duration.ofSeconds(10), 4096, "wan-video-gateway-webhooks/1.0");
        }
    }

    /** Beyond the attempt timeout, how long to wait for Jetty to report the timeout it enforces itself. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_ERROR_CHARS = 300;

    private final WebhookTargets targets;
    private final Settings settings;
    private final SSLContext trust;
    private HttpClient client;
    private boolean closed;

    public WebhookSender(WebhookTargets targets) {
        this(targets, Settings.defaults());
    }

    public WebhookSender(WebhookTargets targets, Settings settings) {
        this(targets, settings, null);
    }

    /** @param trust the TLS context whose trust managers judge receivers' certificates; null for the JVM's */
    public WebhookSender(WebhookTargets targets, Settings settings, SSLContext trust) {
        this.targets = targets;
        this.settings = settings;
        this.trust = trust;
    }

    /**
     * Sends one signed event to {@code url}. Never throws for anything the receiver or the network does;
     * a refused URL is an attempt that did not succeed, with the reason as its error.
     */
    public DeliveryAttempt deliver(String url, SignedWebhook webhook) {
        long started = System.nanoTime();
        URI uri;
        try {
            uri = targets.checkForm(url);
        } catch (WebhookTargetRefusedException e) {
            return new DeliveryAttempt(OptionalInt.empty(), "refused: " + e.getMessage(), millisSince(started), "");
        }
        long timeoutMs = settings.attemptTimeout().toMillis();
        Request request = client().newRequest(uri)
                .method(HttpMethod.POST)
                .followRedirects(false)
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .idleTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .headers(headers -> webhook.headers().forEach(headers::put))
                .body(new BytesRequestContent("application/json", webhook.body()));
        BoundedAnswer answer = new BoundedAnswer(settings.maxResponseBytes(), started);
        request.send(answer);
        try {
            return answer.attempt.get(timeoutMs + GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Jetty enforces the timeout itself; this only bounds the caller should that ever fail.
            request.abort(e);
            return new DeliveryAttempt(OptionalInt.empty(), "timed out after " + timeoutMs + " ms",
                    millisSince(started), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            return new DeliveryAttempt(OptionalInt.empty(), "interrupted", millisSince(started), "");
        } catch (ExecutionException e) {
            return new DeliveryAttempt(OptionalInt.empty(), abbreviate(String.valueOf(e.getCause())),
                    millisSince(started), "");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            try {
                client.stop();
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the webhook HTTP client", e);
            }
            client = null;
        }
    }

    private synchronized HttpClient client() {
        if (closed) {
            throw new IllegalStateException("the webhook sender is closed");
        }
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    private HttpClient newClient() {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        // The default already, and the heart of it: the certificate must name the URL's host.
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        if (trust != null) {
            tls.setSslContext(trust);
        }
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        connector.setSelectors(1);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setName("webhook-sender");
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("webhook-sender");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        http.setExecutor(threads);
        http.setScheduler(new ScheduledExecutorScheduler("webhook-sender-scheduler", true));
        http.setSocketAddressResolver(new CheckedAddresses(targets));
        http.setConnectTimeout(settings.connectTimeout().toMillis());
        http.setIdleTimeout(settings.attemptTimeout().toMillis());
        http.setFollowRedirects(false);
        http.setRedirectCache(null);
        // Tenants' endpoints must not hand each other state.
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, settings.userAgent()));
        http.setResponseBufferSize(8192);
        http.setMaxResponseHeadersSize(8192);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the webhook HTTP client", e);
        }
        // Installed by start(). A 3xx or 401 is the receiver's answer, to be recorded, never acted on; and
        // without decoders no Accept-Encoding is sent, so the body limit counts the bytes that arrive.
        http.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
        http.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        http.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        http.getContentDecoderFactories().clear();
        return http;
    }

    /** Jetty's only way to a socket address: resolve once, check every address, hand over exactly those. */
    private static final class CheckedAddresses implements SocketAddressResolver {
        private final WebhookTargets targets;

        CheckedAddresses(WebhookTargets targets) {
            this.targets = targets;
        }

        @Override
        public void resolve(String host, int port, Map<String, Object> context,
                Promise<List<InetSocketAddress>> promise) {
            List<InetSocketAddress> checked;
            try {
                String name = NetworkAddresses.hostName(host);
                checked = targets.resolve(host).stream()
                        .map(address -> new InetSocketAddress(named(name, address), port))
                        .toList();
            } catch (RuntimeException e) {
                promise.failed(e);
                return;
            }
            promise.succeeded(checked);
        }

        /**
         * The checked address under the URL's host name: Jetty takes the TLS peer host (SNI and the
         * certificate check) from the socket address's host string, and this sets it without a lookup.
         */
        private static InetAddress named(String name, InetAddress address) {
            try {
                return InetAddress.getByAddress(name, address.getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Keeps the status and at most {@code limit} bytes of the body; stops reading past that. */
    private static final class BoundedAnswer implements Response.Listener {
        final CompletableFuture<DeliveryAttempt> attempt = new CompletableFuture<>();
        private final int limit;
        private final long started;
        private final ByteArrayOutputStream excerpt = new ByteArrayOutputStream();
        private volatile int status;

        BoundedAnswer(int limit, long started) {
            this.limit = limit;
            this.started = started;
        }

        @Override
        public void onHeaders(Response response) {
            status = response.getStatus();
        }

        @Override
        public synchronized void onContent(Response response, ByteBuffer content) {
            int room = limit - excerpt.size();
            int take = Math.min(room, content.remaining());
            byte[] bytes = new byte[take];
            content.get(bytes);
            excerpt.write(bytes, 0, take);
            if (content.hasRemaining()) {
                // Aborting closes the connection, so nothing more is read.
                response.abort(new EnoughRead());
            }
        }

        @Override
        public synchronized void onComplete(Result result) {
            long elapsed = millisSince(started);
            String body = new String(excerpt.toByteArray(), StandardCharsets.UTF_8);
            int answered = status;
            if (answered > 0) {
                // Once the status is in, the receiver has decided; a body cut short does not change that.
                String error = answered / 100 == 2 ? null
                        : answered / 100 == 3 ? "HTTP " + answered + " (redirects are not followed)"
                        : "HTTP " + answered;
                attempt.complete(new DeliveryAttempt(OptionalInt.of(answered), error, elapsed, body));
            } else {
                attempt.complete(new DeliveryAttempt(OptionalInt.empty(), describe(result.getFailure()), elapsed, ""));
            }
        }
    }

    /** Thrown only to stop reading an answer that has said enough. */
    private static final class EnoughRead extends Exception {
        private static final long serialVersionUID = 1L;

        EnoughRead() {
            super("response body limit reached", null, false, false);
        }
    }

    private static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebhookTargetRefusedException refused) {
                return "refused: " + refused.getMessage();
            }
            if (cause instanceof TimeoutException) {
                return abbreviate("timed out (" + cause.getMessage() + ")");
            }
            if (cause instanceof SSLException) {
                return abbreviate("TLS failed: " + cause.getMessage());
            }
            if (cause instanceof ConnectException) {
                return abbreviate("could not connect: " + cause.getMessage());
            }
            if (cause instanceof EOFException || cause instanceof ClosedChannelException) {
                return "connection closed before an answer";
            }
        }
        return abbreviate(String.valueOf(failure));
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }
}
