package io.wanvideo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local HTTP front against the requests a hostile or clumsy client sends, with trivial handlers behind it:
 * every refusal is the API's JSON error body, limits and timeouts are API Gateway's, no client can stall others,
 * and the payload-2.0 event and the response pass through as API Gateway builds and writes them.
 */
class HttpFrontTest {
    /** Generous: these wait for conditions that hold within milliseconds on an idle machine. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int MAX_BODY = HttpFront.Limits.API_GATEWAY.maxBodyBytes();

    private final BlockingQueue<APIGatewayV2HTTPEvent> events = new LinkedBlockingQueue<>();
    private final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Socket> sockets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private HttpFront front;

    /** Records the event and answers 200 "ok". */
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> echo = (event, context) -> {
        events.add(event);
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withHeaders(Map.of("content-type", "text/plain")).withBody("ok").build();
    };

    private List<HttpFront.Route> routes() {
        return List.of(
                HttpFront.Route.of("GET", "/echo/{id}", echo),
                HttpFront.Route.of("POST", "/echo/{id}", echo),
                HttpFront.Route.of("GET", "/headers", (event, context) -> APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(202)
                        .withHeaders(Map.of("content-type", "application/octet-stream", "Retry-After", "7",
                                "Location", "/v1/videos/video_1", "Idempotent-Replayed", "true", "x-should-retry", "false",
                                "content-length", "999"))
                        .withMultiValueHeaders(Map.of("x-many", List.of("a", "b")))
                        .withCookies(List.of("session=1; Path=/"))
                        .withIsBase64Encoded(true)
                        .withBody(Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff, 1}))
                        .build()),
                HttpFront.Route.of("GET", "/throws", (event, context) -> {
                    throw new IllegalStateException("bug");
                }),
                HttpFront.Route.of("GET", "/blocks", (event, context) -> {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return echo.handleRequest(event, context);
                }));
    }

    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> notFound = (event, context) ->
            APIGatewayV2HTTPResponse.builder().withStatusCode(404).withHeaders(Map.of("content-type", "application/json; charset=utf-8"))
                    .withBody("{\"error\":{\"message\":\"no such route\",\"type\":\"not_found_error\",\"param\":null,\"code\":\"not_found\"}}")
                    .build();

    private HttpFront start() throws IOException {
        front = new HttpFront(0, routes(), notFound);
        return front;
    }

    private HttpFront start(HttpFront.Limits limits) throws IOException {
        front = new HttpFront(0, routes(), notFound, limits);
        return front;
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (Socket s : sockets) {
            s.close();
        }
        if (front != null) {
            front.close();
        }
    }

    // ---- malformed requests: Jetty refuses them, always in the API's error body ----

    static Stream<Arguments> malformedRequests() {
        String longUri = "/echo/" + "a".repeat(20_000);
        return Stream.of(
                Arguments.of("bad percent-escape in the path", "GET /echo/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("truncated percent-escape in the path", "GET /echo/a% HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("bad percent-escape in the query", "GET /echo/a?x=% HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("bad percent-escape in a query key", "GET /echo/a?%zz=1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("non-numeric Content-Length", "POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400, "invalid_request"),
                Arguments.of("negative Content-Length", "POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, "invalid_request"),
                Arguments.of("two different Content-Lengths", "POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "invalid_request"),
                Arguments.of("request line without a version", "GET /echo/a\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("garbage request line", "\u0001\u0002 nonsense\r\n\r\n", 400, "invalid_request"),
                Arguments.of("space in the target", "GET /echo/a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("HTTP/2 over an HTTP/1 connection", "GET /echo/a HTTP/2.0\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("unknown HTTP version", "GET /echo/a HTTP/9.9\r\nHost: x\r\n\r\n", 400, "invalid_request"),
                Arguments.of("HTTP/0.9", "GET /echo/a\r\n", 400, "invalid_request"),
                Arguments.of("HTTP/1.1 without Host", "GET /echo/a HTTP/1.1\r\n\r\n", 400, "invalid_request"),
                Arguments.of("header without a colon", "GET /echo/a HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n", 400, "invalid_request"),
                Arguments.of("URI too long", "GET " + longUri + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
                Arguments.of("header too large", "GET /echo/a HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
                        431, "request_headers_too_large"),
                Arguments.of("bad chunk size", "POST /echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n",
                        400, "invalid_request"),
                Arguments.of("chunked not the last coding", "POST /echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                        400, "invalid_request"),
                Arguments.of("chunk longer than its size", "POST /echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n",
                        400, "invalid_request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestsGetTheApiErrorBody(String what, String request, int status, String code) throws Exception {
        start();
        Raw response = raw(request.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(response.status()).as(what + ": " + response).isEqualTo(status);
        assertApiError(response, "invalid_request_error", code);
        assertThat(events).as("no handler runs for " + what).isEmpty();
    }

    // ---- API Gateway's 10 MB payload limit ----

    @Test
    void aBodyOverTenMegabytesIs413WithTheApiErrorBody() throws Exception {
        start();
        HttpResponse<String> r = http.send(post("/echo/big", new byte[MAX_BODY + 1]), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertApiError(r, "invalid_request_error", "payload_too_large");
        assertThat(events).isEmpty();
    }

    @Test
    void aChunkedBodyOverTenMegabytesIs413WithTheApiErrorBody() throws Exception {
        start();
        // A stream of unknown length goes chunked.
        HttpRequest chunked = HttpRequest.newBuilder(url("/echo/big")).timeout(PATIENCE)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[MAX_BODY + 100_000])))
                .build();
        HttpResponse<String> r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertApiError(r, "invalid_request_error", "payload_too_large");
        assertThat(events).isEmpty();
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        start();
        // The client waits for 100-continue, which never comes: the answer arrives without a byte of body.
        Raw r = raw(("POST /echo/big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " + (MAX_BODY + 1)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(413);
        assertApiError(r, "invalid_request_error", "payload_too_large");
        assertThat(Json.tree(new String(r.body(), StandardCharsets.UTF_8)).at("/error/message").asText()).contains("10485760 bytes");
        assertThat(r.headers()).containsEntry("connection", List.of("close"));
    }

    @Test
    void aBodyOfExactlyTenMegabytesReachesTheHandler() throws Exception {
        start();
        HttpResponse<String> r = http.send(post("/echo/big", "x".repeat(MAX_BODY).getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(events.poll().getBody()).hasSize(MAX_BODY);
    }

    // ---- slow and stalled clients ----

    @Test
    void stalledClientsDoNotDelayOtherRequests() throws Exception {
        // Long enough that every stalled client is still stalled when the normal request is answered.
        start(HttpFront.Limits.API_GATEWAY.withIdleTimeout(Duration.ofMinutes(5)));
        for (int i = 0; i < 64; i++) {
            // Headers promising a body that never comes...
            stalled("POST /echo/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
        }
        for (int i = 0; i < 16; i++) {
            // ...half a body, and half the headers.
            stalled("POST /echo/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"half\":");
            stalled("GET /echo/stalled HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/echo/normal")).timeout(PATIENCE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(events.poll().getPathParameters()).containsEntry("id", "normal");
        for (Socket s : sockets) {
            // Anything the front had sent would be here already; a closed connection would read -1 at once.
            s.setSoTimeout(5);
            assertThatThrownBy(() -> s.getInputStream().read()).as("the stalled client is still waiting")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(events).isEmpty();
    }

    @Test
    void aClientThatStopsSendingItsBodyGets408AndIsDropped() throws Exception {
        start(HttpFront.Limits.API_GATEWAY.withIdleTimeout(Duration.ofMillis(500)));
        Socket s = stalled("POST /echo/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"half\":");
        s.setSoTimeout((int) PATIENCE.toMillis());
        Raw r = Raw.read(s.getInputStream());
        assertThat(r.status()).isEqualTo(408);
        assertApiError(r, "invalid_request_error", "request_timeout");
        assertThat(s.getInputStream().read()).as("connection closed").isEqualTo(-1);
        assertThat(events).isEmpty();
    }

    @Test
    void aClientThatSendsNothingIsDropped() throws Exception {
        start(HttpFront.Limits.API_GATEWAY.withIdleTimeout(Duration.ofMillis(500)));
        Socket silent = stalled("");
        Socket halfHeaders = stalled("GET /echo/a HTTP/1.1\r\nHost: x\r\n");
        for (Socket s : List.of(silent, halfHeaders)) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            InputStream in = s.getInputStream();
            // Dropped: at most an error answer, then the end of the stream.
            Raw r = Raw.readOrEnd(in);
            if (r != null) {
                assertApiError(r, "invalid_request_error", "request_timeout");
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aHandlerThatNeverAnswersGets503AfterTheIntegrationTimeout() throws Exception {
        start(HttpFront.Limits.API_GATEWAY.withIntegrationTimeout(Duration.ofSeconds(1)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/blocks")).timeout(PATIENCE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"message\":\"Service Unavailable\"}");
    }

    @Test
    void closeDoesNotWaitForStalledClientsOrBusyHandlers() throws Exception {
        start();
        int port = front.port();
        for (int i = 0; i < 8; i++) {
            stalled("POST /echo/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
        }
        var busy = http.sendAsync(HttpRequest.newBuilder(url("/blocks")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(blocked.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the handler is running").isTrue();
        // It takes milliseconds; the bound only catches waiting for the handler, which would be forever.
        assertTimeoutPreemptively(PATIENCE, front::close);
        assertThat(listening(port)).isFalse();
        assertThatThrownBy(() -> busy.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        front = null;
    }

    // ---- the event API Gateway builds and the response it writes ----

    @Test
    void theEventCarriesPathQueryHeadersAndContextAsApiGatewayBuildsThem() throws Exception {
        start();
        Raw r = raw(("GET /echo/a%20b?tag=1&tag=2&q=x%20y&empty HTTP/1.1\r\nHost: x\r\nUser-Agent: tester/1\r\n"
                + "X-Thing: one\r\nx-thing: two\r\nAuthorization: Bearer k\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(200);
        APIGatewayV2HTTPEvent event = events.poll();
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("GET /echo/{id}");
        assertThat(event.getRawPath()).isEqualTo("/echo/a%20b");
        assertThat(event.getRawQueryString()).isEqualTo("tag=1&tag=2&q=x%20y&empty");
        assertThat(event.getPathParameters()).isEqualTo(Map.of("id", "a b"));
        assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("tag", "1,2", "q", "x y", "empty", ""));
        assertThat(event.getHeaders()).containsEntry("x-thing", "one,two").containsEntry("authorization", "Bearer k")
                .containsEntry("user-agent", "tester/1").allSatisfy((name, value) -> assertThat(name).isLowerCase());
        assertThat(event.getBody()).isNull();
        assertThat(event.getIsBase64Encoded()).isFalse();
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertThat(context.getRequestId()).isNotBlank();
        assertThat(context.getRouteKey()).isEqualTo("GET /echo/{id}");
        assertThat(context.getTime()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(context.getTimeEpoch()).isPositive();
        assertThat(context.getHttp().getMethod()).isEqualTo("GET");
        assertThat(context.getHttp().getPath()).isEqualTo("/echo/a b");
        assertThat(context.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(context.getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(context.getHttp().getUserAgent()).isEqualTo("tester/1");
    }

    @Test
    void aBinaryBodyArrivesBase64EncodedAndTextAsItIs() throws Exception {
        start();
        byte[] binary = {(byte) 0xff, 0, (byte) 0xfe, (byte) 0x80};
        assertThat(http.send(post("/echo/bin", binary), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        APIGatewayV2HTTPEvent event = events.poll();
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(binary);

        assertThat(http.send(post("/echo/text", "{\"prompt\":\"café ☕\"}".getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        event = events.poll();
        assertThat(event.getIsBase64Encoded()).isFalse();
        assertThat(event.getBody()).isEqualTo("{\"prompt\":\"café ☕\"}");
    }

    @Test
    void aChunkedBodyArrivesWhole() throws Exception {
        start();
        Raw r = raw(("POST /echo/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(200);
        assertThat(events.poll().getBody()).isEqualTo("{\"a\":1}");
    }

    @Test
    void everyResponseHeaderPassesThroughAndABase64BodyIsDecoded() throws Exception {
        start();
        Raw r = raw("GET /headers HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.headers()).containsEntry("retry-after", List.of("7"))
                .containsEntry("location", List.of("/v1/videos/video_1"))
                .containsEntry("idempotent-replayed", List.of("true"))
                .containsEntry("x-should-retry", List.of("false"))
                .containsEntry("x-many", List.of("a", "b"))
                .containsEntry("set-cookie", List.of("session=1; Path=/"))
                .containsEntry("content-type", List.of("application/octet-stream"))
                // The front frames the body itself; a handler's Content-Length does not override the real one.
                .containsEntry("content-length", List.of("3"));
        assertThat(r.body()).isEqualTo(new byte[] {0, (byte) 0xff, 1});
    }

    @Test
    void aHandlerThatThrowsGetsApiGatewaysBare500() throws Exception {
        start();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/throws")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void anUnknownRouteGoesToTheDefaultRoute() throws Exception {
        start();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url("/nowhere")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertApiError(r, "not_found_error", "not_found");
    }

    @Test
    void keepAliveConnectionsServeOneRequestAfterAnother() throws Exception {
        start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write(("POST /echo/" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(Raw.read(s.getInputStream()).status()).isEqualTo(200);
                assertThat(events.poll().getPathParameters()).containsEntry("id", Integer.toString(i));
            }
        }
    }

    @Test
    void itListensOnLoopbackOnlyAndSaysWhenThePortIsTaken() throws Exception {
        start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
            assertThat(s.isConnected()).isTrue();
        }
        assertThatThrownBy(() -> new HttpFront(front.port(), routes(), notFound).close())
                .isInstanceOf(IOException.class).hasMessageContaining("Address already in use");
    }

    // ---- helpers ----

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + front.port() + path);
    }

    private HttpRequest post(String path, byte[] body) {
        return HttpRequest.newBuilder(url(path)).timeout(PATIENCE).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private Socket stalled(String prefix) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), front.port());
        sockets.add(s);
        s.getOutputStream().write(prefix.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private Raw raw(byte[] request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
            s.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return Raw.read(s.getInputStream());
        }
    }

    private static boolean listening(int port) throws IOException {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    private static void assertApiError(Raw response, String type, String code) throws IOException {
        assertThat(response.headers().get("content-type")).as(response.toString()).containsExactly("application/json; charset=utf-8");
        assertApiErrorBody(new String(response.body(), StandardCharsets.UTF_8), type, code);
    }

    private static void assertApiError(HttpResponse<String> response, String type, String code) throws IOException {
        assertThat(response.headers().allValues("content-type")).as(response.body()).containsExactly("application/json; charset=utf-8");
        assertApiErrorBody(response.body(), type, code);
    }

    /** Exactly {"error":{"message","type","param","code"}}, as spec/api.md has it. */
    private static void assertApiErrorBody(String body, String type, String code) throws IOException {
        JsonNode tree = Json.tree(body);
        assertThat(fieldNames(tree)).as(body).containsExactly("error");
        JsonNode error = tree.get("error");
        assertThat(fieldNames(error)).as(body).containsExactly("message", "type", "param", "code");
        assertThat(error.get("message").asText()).as(body).isNotBlank();
        assertThat(error.get("type").asText()).as(body).isEqualTo(type);
        assertThat(error.get("param").isNull()).as(body).isTrue();
        assertThat(error.get("code").asText()).as(body).isEqualTo(code);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** One HTTP/1.1 response read off a raw socket: status, headers by lower-case name, body. */
    record Raw(int status, Map<String, List<String>> headers, byte[] body) {
        static Raw read(InputStream in) throws IOException {
            Raw r = readOrEnd(in);
            if (r == null) {
                throw new IOException("connection closed without a response");
            }
            return r;
        }

        /** @return null when the stream ends before a status line */
        static Raw readOrEnd(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) {
                return null;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line; (line = line(in)) != null && !line.isEmpty(); ) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            byte[] body;
            if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length").get(0)));
            } else if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
                    out.write(in.readNBytes(size));
                    line(in);
                }
                line(in);
                body = out.toByteArray();
            } else {
                body = in.readAllBytes();
            }
            return new Raw(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
        }
    }
}
