package io.wanvideo.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * API Gateway's HTTP API, locally: matches the routes of template.yaml, turns each request into the
 * payload-2.0 {@link APIGatewayV2HTTPEvent} API Gateway would send, calls the same handler class, and writes
 * back its response.
 */
final class HttpFront implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(HttpFront.class);
    /** API Gateway's payload limit. */
    private static final int MAX_BODY = 10 * 1024 * 1024;

    /** A route of template.yaml: method and path template, or $default. */
    record Route(String method, Pattern path, String routeKey, List<String> parameters,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {

        static Route of(String method, String template, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
            List<String> names = new java.util.ArrayList<>();
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

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Route> routes;
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback;

    HttpFront(int port, List<Route> routes, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> fallback)
            throws IOException {
        this.routes = routes;
        this.fallback = fallback;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        this.executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "http-front");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                write(exchange, 413, Map.of("content-type", "application/json"), "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String rawPath = exchange.getRequestURI().getRawPath();
            String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = fallback;
            String routeKey = "$default";
            Map<String, String> pathParameters = null;
            for (Route route : routes) {
                Matcher m = route.path().matcher(path);
                if (route.method().equals(method) && m.matches()) {
                    handler = route.handler();
                    routeKey = route.routeKey();
                    pathParameters = new LinkedHashMap<>();
                    for (int i = 0; i < route.parameters().size(); i++) {
                        pathParameters.put(route.parameters().get(i), m.group(i + 1));
                    }
                    break;
                }
            }
            APIGatewayV2HTTPEvent event = event(exchange, method, rawPath, path, routeKey, pathParameters, body);
            APIGatewayV2HTTPResponse response;
            try {
                response = handler.handleRequest(event, new LocalLambdaContext(routeKey));
            } catch (RuntimeException e) {
                // What API Gateway answers when the integration fails; our handlers are built never to get here.
                LOG.error("handler for {} threw", routeKey, e);
                write(exchange, 500, Map.of("content-type", "application/json"),
                        "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            byte[] out = response.getBody() == null ? new byte[0]
                    : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                    : response.getBody().getBytes(StandardCharsets.UTF_8);
            write(exchange, response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(), out);
        }
    }

    private static APIGatewayV2HTTPEvent event(HttpExchange exchange, String method, String rawPath, String path,
            String routeKey, Map<String, String> pathParameters, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = null;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            query = new LinkedHashMap<>();
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                query.merge(key, value, (a, b) -> a + "," + b);
            }
        }
        String text = body.length == 0 ? null : utf8(body);
        long now = System.currentTimeMillis();
        SimpleDateFormat time = new SimpleDateFormat("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query)
                .withPathParameters(pathParameters)
                .withBody(body.length == 0 ? null : text != null ? text : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && text == null)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName("127.0.0.1")
                        .withDomainPrefix("local")
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTime(time.format(new Date(now)))
                        .withTimeEpoch(now)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol(exchange.getProtocol())
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

    /** @return null when the body exceeds API Gateway's limit */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        return bytes.length > MAX_BODY ? null : bytes;
    }

    private static void write(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
