package io.wanvideo.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ErrorType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * API Gateway's HTTP API, locally: matches the routes of template.yaml, turns each request into the
 * payload-2.0 {@link APIGatewayV2HTTPEvent} API Gateway would send, calls the same handler class, and writes
 * back its response. Built on Jetty's core API: Jetty parses HTTP, reads bodies without holding a thread, and
 * enforces the limits; every refusal of its own is rendered by {@link JsonErrorHandler} in the API's error body.
 */
final class HttpFront implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HttpFront.class);
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /**
     * Framing and the connection are the front's business, as they are API Gateway's: a handler's Content-Length
     * would contradict the body actually written.
     */
    private static final Set<String> FRAMING_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    /**
     * The limits API Gateway's HTTP API enforces, kept here so that a client meets them locally first.
     *
     * @param maxBodyBytes       larger request bodies are refused with 413 before any handler runs
     * @param maxHeaderBytes     request line and headers together; beyond it 414 (long URL) or 431 (headers)
     * @param idleTimeout        a client that sends nothing for this long (mid-headers, mid-body, or between
     *                           requests) is answered 408 or dropped
     * @param integrationTimeout a handler that has not answered by then gets 503, as API Gateway gives up on
     *                           its integration
     * @param functionThreads    handler invocations at once; more wait their turn within the integration timeout
     */
    record Limits(int maxBodyBytes, int maxHeaderBytes, Duration idleTimeout, Duration integrationTimeout,
            int functionThreads) {
        /**
         * API Gateway HTTP API quotas (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
         * 10 MB payload, 10240 bytes of request line and headers, 30 s integration timeout. It publishes no
         * client idle timeout; 10 s drops a stalled client well before anyone would wait on it.
         */
        static final Limits API_GATEWAY = new Limits(10 * 1024 * 1024, 10_240, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 64);

        Limits withIdleTimeout(Duration idle) {
            return new Limits(maxBodyBytes, maxHeaderBytes, idle, integrationTimeout, functionThreads);
        }

        Limits withIntegrationTimeout(Duration integration) {
            return new Limits(maxBodyBytes, maxHeaderBytes, idleTimeout, integration, functionThreads);
        }
    }

    /** A route of template.yaml: method and path template, or $default. */
    record Route(String method, Pattern path, String routeKey, List<String> parameters,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {

        static Route of(String method, String template, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
            StringBuilder regex = new StringBuilder();
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
                names.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(template.substring(last)));
            return new Route(method, Pattern.compile(regex.toString()), method + " " + template, names, handler);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    /** Handlers block (DynamoDB, SQS, DashScope): they run here, so they can never starve Jetty's I/O threads. */
    private final ThreadPoolExecutor functions;

    HttpFront(int port, List<Route> routes, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback)
            throws IOException {
        this(port, routes, fallback, Limits.API_GATEWAY);
    }

    HttpFront(int port, List<Route> routes, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback,
            Limits limits) throws IOException {
        AtomicInteger functionThread = new AtomicInteger();
        functions = new ThreadPoolExecutor(limits.functionThreads(), limits.functionThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "http-front-function-" + functionThread.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        functions.allowCoreThreadTimeOut(true);

        QueuedThreadPool io = new QueuedThreadPool(50, 4);
        io.setName("http-front");
        io.setDaemon(true);
        // Daemon scheduler too (Jetty's default one is not): the JVM must be able to exit even if close() is skipped.
        server = new Server(io, new ScheduledExecutorScheduler("http-front-scheduler", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        // Dispatch at once rather than on first content, so that a client that promises a body and never sends
        // it meets the idle timeout as a read failure in our reader and gets a 408, not a silent disconnect.
        http.setDelayDispatchUntilContent(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(512);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrorHandler(limits));
        server.setHandler(new LambdaProxy(routes, fallback, limits, functions));
        try {
            server.start();
        } catch (Exception e) {
            close();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            // RunLocal looks for the bind failure's own words ("Address already in use") to advise the user.
            throw new IOException("could not listen on 127.0.0.1:" + port + ": " + root.getMessage(), e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    /** Stops at once: open connections are closed, running handlers are interrupted, nobody is waited for. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("while stopping the HTTP front", e);
        } finally {
            functions.shutdownNow();
        }
    }

    /** Routes a request, reads its body without blocking, then has the function answer it. */
    private static final class LambdaProxy extends Handler.Abstract {
        private final List<Route> routes;
        private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback;
        private final Limits limits;
        /**
         * Past the limit the rest of a body is still read and discarded, up to as much again, so that a client
         * still writing its body reads the 413 rather than a connection reset.
         */
        private final long discardUpTo;
        private final ThreadPoolExecutor functions;

        LambdaProxy(List<Route> routes, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback,
                Limits limits, ThreadPoolExecutor functions) {
            this.routes = List.copyOf(routes);
            this.fallback = fallback;
            this.limits = limits;
            this.discardUpTo = 2L * limits.maxBodyBytes();
            this.functions = functions;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Target target;
            try {
                target = target(request);
            } catch (IllegalArgumentException e) {
                refuse(request, response, callback, new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_request", null, e.getMessage()));
                return true;
            }
            long declared = request.getLength();
            if (declared > limits.maxBodyBytes() && (declared > discardUpTo
                    || request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString()))) {
                // Refused unread: a client waiting for 100-continue sends nothing more; one far over the limit
                // is not worth reading. Either way the connection closes after the answer.
                tooLarge(request, response, callback);
                return true;
            }
            new BodyReader(request, response, callback, target, declared).run();
            return true;
        }

        private void tooLarge(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            refuse(request, response, callback, ApiError.payloadTooLarge(null, "The request body is larger than "
                    + limits.maxBodyBytes() + " bytes, API Gateway's payload limit. Send a smaller body."));
        }

        /** Answers with the API's error body, through the one place that writes the front's refusals. */
        private static void refuse(Request request, Response response, Callback callback, ApiError error) {
            request.setAttribute(JsonErrorHandler.API_ERROR, error);
            Response.writeError(request, response, callback, error.status(), error.getMessage());
        }

        /** The route, route key and decoded path, as API Gateway matches them. */
        private record Target(String method, String rawPath, String path, String rawQuery, Map<String, String> query,
                String routeKey, Map<String, String> pathParameters,
                RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {}

        /** @throws IllegalArgumentException when the path or query string is not valid percent-encoding */
        private Target target(Request request) {
            String method = request.getMethod().toUpperCase(Locale.ROOT);
            String rawPath = request.getHttpURI().getPath();
            if (rawPath == null || rawPath.isEmpty()) {
                rawPath = "/";
            }
            String path = decode(rawPath.replace("+", "%2B"), "path");
            String rawQuery = request.getHttpURI().getQuery();
            Map<String, String> query = null;
            if (rawQuery != null && !rawQuery.isEmpty()) {
                query = new LinkedHashMap<>();
                for (String pair : rawQuery.split("&")) {
                    String[] kv = pair.split("=", 2);
                    // API Gateway joins the values of a repeated key with commas.
                    query.merge(decode(kv[0], "query string"), kv.length > 1 ? decode(kv[1], "query string") : "",
                            (a, b) -> a + "," + b);
                }
            }
            for (Route route : routes) {
                Matcher m = route.path().matcher(path);
                if (route.method().equals(method) && m.matches()) {
                    Map<String, String> parameters = new LinkedHashMap<>();
                    for (int i = 0; i < route.parameters().size(); i++) {
                        parameters.put(route.parameters().get(i), m.group(i + 1));
                    }
                    return new Target(method, rawPath, path, rawQuery, query, route.routeKey(), parameters, route.handler());
                }
            }
            return new Target(method, rawPath, path, rawQuery, query, "$default", null, fallback);
        }

        private static String decode(String encoded, String where) {
            try {
                return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The " + where + " has a malformed percent-escape: "
                        + "encode '%' as %25 and use two hex digits after each '%'.", e);
            }
        }

        /**
         * Reads the whole body as it arrives, on whichever thread Jetty hands it over: no thread waits on a slow
         * client. Only a complete body goes on to a function thread.
         */
        private final class BodyReader implements Runnable {
            private final Request request;
            private final Response response;
            private final Callback callback;
            private final Target target;
            private final ByteArrayOutputStream body;
            private long received;

            BodyReader(Request request, Response response, Callback callback, Target target, long declared) {
                this.request = request;
                this.response = response;
                this.callback = callback;
                this.target = target;
                this.body = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), limits.maxBodyBytes()));
            }

            @Override
            public void run() {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        unreadable(chunk.getFailure());
                        return;
                    }
                    ByteBuffer bytes = chunk.getByteBuffer();
                    received += bytes.remaining();
                    if (received <= limits.maxBodyBytes()) {
                        try {
                            BufferUtil.writeTo(bytes, body);
                        } catch (IOException impossible) {
                            throw new IllegalStateException(impossible);
                        }
                    }
                    boolean last = chunk.isLast();
                    chunk.release();
                    if (received > discardUpTo) {
                        tooLarge(request, response, callback);
                        return;
                    }
                    if (last) {
                        if (received > limits.maxBodyBytes()) {
                            tooLarge(request, response, callback);
                        } else {
                            invoke(request, response, callback, target, body.toByteArray());
                        }
                        return;
                    }
                }
            }

            private void unreadable(Throwable failure) {
                if (failure instanceof TimeoutException) {
                    refuse(request, response, callback, new ApiError(408, ErrorType.INVALID_REQUEST, "request_timeout", null,
                            "No part of the request body arrived for " + limits.idleTimeout().toSeconds()
                                    + " s. Send the whole body without pausing."));
                } else if (failure instanceof HttpException http) {
                    // Malformed framing, such as bad chunked encoding, which Jetty met while reading the body.
                    String reason = http.getReason() == null ? "" : " (" + http.getReason() + ")";
                    refuse(request, response, callback, new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_request", null,
                            "The request body could not be read" + reason + ". Check its Content-Length or chunked encoding."));
                } else {
                    // The client went away; there is nobody to answer.
                    callback.failed(failure);
                }
            }
        }

        private void invoke(Request request, Response response, Callback callback, Target target, byte[] body) {
            // While the function works the connection is quiet by design; the integration timeout governs then.
            request.addIdleTimeoutListener(timeout -> false);
            APIGatewayV2HTTPEvent event = event(request, target, body);
            try {
                CompletableFuture
                        .supplyAsync(() -> target.handler().handleRequest(event, new LocalLambdaContext(target.routeKey())), functions)
                        .orTimeout(limits.integrationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((answer, failure) -> respond(request, response, callback, target, answer, failure));
            } catch (RejectedExecutionException closing) {
                callback.failed(closing);
            }
        }

        private void respond(Request request, Response response, Callback callback, Target target,
                APIGatewayV2HTTPResponse answer, Throwable failure) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                LOG.warn("handler for {} did not answer within {} s", target.routeKey(), limits.integrationTimeout().toSeconds());
                // What API Gateway answers when its integration times out.
                gatewayAnswer(response, callback, 503, "{\"message\":\"Service Unavailable\"}");
                return;
            }
            byte[] out;
            try {
                if (cause != null) {
                    throw cause;
                }
                out = answer.getBody() == null ? new byte[0]
                        : answer.getIsBase64Encoded() ? Base64.getDecoder().decode(answer.getBody())
                        : answer.getBody().getBytes(StandardCharsets.UTF_8);
                if (answer.getStatusCode() < 100 || answer.getStatusCode() > 599) {
                    throw new IllegalStateException("status code " + answer.getStatusCode());
                }
            } catch (Throwable e) {
                // What API Gateway answers when the integration fails; our handlers are built never to get here.
                LOG.error("handler for {} threw or answered nonsense", target.routeKey(), e);
                gatewayAnswer(response, callback, 500, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            response.setStatus(answer.getStatusCode());
            HttpFields.Mutable headers = response.getHeaders();
            if (answer.getHeaders() != null) {
                answer.getHeaders().forEach((name, value) -> {
                    if (!FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                        headers.add(name, value);
                    }
                });
            }
            if (answer.getMultiValueHeaders() != null) {
                answer.getMultiValueHeaders().forEach((name, values) -> {
                    if (!FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(value -> headers.add(name, value));
                    }
                });
            }
            if (answer.getCookies() != null) {
                answer.getCookies().forEach(cookie -> headers.add(HttpHeader.SET_COOKIE, cookie));
            }
            response.write(true, ByteBuffer.wrap(out), callback);
        }

        private static void gatewayAnswer(Response response, Callback callback, int status, String json) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, StandardCharsets.UTF_8.encode(json), callback);
        }
    }

    private static APIGatewayV2HTTPEvent event(Request request, LambdaProxy.Target target, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            // API Gateway lower-cases names and joins repeated headers with commas.
            headers.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + "," + b);
        }
        String text = body.length == 0 ? null : utf8(body);
        Instant now = Instant.now();
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        String sourceIp = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "127.0.0.1";
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(target.routeKey())
                .withRawPath(target.rawPath())
                .withRawQueryString(target.rawQuery() == null ? "" : target.rawQuery())
                .withHeaders(headers)
                .withQueryStringParameters(target.query())
                .withPathParameters(target.pathParameters())
                .withBody(body.length == 0 ? null : text != null ? text : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && text == null)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName("127.0.0.1")
                        .withDomainPrefix("local")
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(target.routeKey())
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(target.method())
                                .withPath(target.path())
                                .withProtocol(request.getConnectionMetaData().getProtocol())
                                .withSourceIp(sourceIp)
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .build();
    }

    /** The body as text when it is valid UTF-8; API Gateway base64-encodes anything else. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
