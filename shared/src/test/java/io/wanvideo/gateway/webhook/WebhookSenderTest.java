package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import io.wanvideo.gateway.webhook.WebhookReceiver.Received;
import io.wanvideo.gateway.webhook.WebhookTargets.Policy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deliveries to real HTTP servers on 127.0.0.1. Names resolve through a fake resolver, always to loopback:
 * even a sender that ignored its checks could reach nothing beyond this machine.
 */
class WebhookSenderTest {
    private static final String HOOK_HOST = "hooks.example.test";
    private static final byte[] BODY = "{\"type\":\"video.completed\",\"data\":{\"id\":\"video_01kaexamp1e\"}}"
            .getBytes(StandardCharsets.UTF_8);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();

    /** hooks.example.test and evil.example.test are 127.0.0.1 here; nothing else resolves. */
    private final HostResolver loopbackDns = name -> {
        lookups.incrementAndGet();
        if (name.equals(HOOK_HOST) || name.equals("evil.example.test")) {
            return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        }
        throw new UnknownHostException(name);
    };

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    private WebhookSender sender(Policy policy, WebhookSender.Settings settings) {
        return closeLater(new WebhookSender(new WebhookTargets(policy, loopbackDns), settings));
    }

    private WebhookSender localSender() {
        return sender(Policy.LOCAL, WebhookSender.Settings.defaults());
    }

    private static SignedWebhook signed(WebhookSecret secret) {
        return WebhookSigner.sign(secret, "evt_01kaexamp1e", Instant.now().getEpochSecond(), BODY);
    }

    /** A port that accepts connections into its backlog but never answers, and reveals whether any came. */
    private ServerSocket silentPort() throws IOException {
        ServerSocket socket = closeLater(new ServerSocket());
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return socket;
    }

    private static boolean anyoneConnected(ServerSocket socket) throws IOException {
        // A connection the kernel completed waits in the backlog, even if its client has gone since.
        socket.setSoTimeout(500);
        try {
            socket.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void theEventArrivesWithItsHeadersAndVerifies() throws Exception {
        WebhookReceiver receiver = closeLater(WebhookReceiver.http(WebhookReceiver.status(200)));
        WebhookSecret secret = WebhookSecret.generate();
        SignedWebhook webhook = signed(secret);

        DeliveryAttempt attempt = localSender().deliver("http://" + HOOK_HOST + ":" + receiver.port() + "/hooks/wan?t=1", webhook);

        assertThat(attempt.status()).hasValue(200);
        assertThat(attempt.succeeded()).isTrue();
        assertThat(attempt.error()).isNull();
        assertThat(attempt.responseExcerpt()).isEqualTo("{\"ok\":true}");
        assertThat(receiver.received()).hasSize(1);
        Received request = receiver.received().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/wan?t=1");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).isEqualTo(WebhookSender.Settings.defaults().userAgent());
        assertThat(request.header("Host")).isEqualTo(HOOK_HOST + ":" + receiver.port());
        assertThat(request.header("webhook-id")).isEqualTo("evt_01kaexamp1e");
        assertThat(request.header("webhook-timestamp")).isEqualTo(Long.toString(webhook.timestamp()));
        assertThat(request.header("webhook-signature")).isEqualTo(webhook.signature());
        assertThat(request.header("Accept-Encoding")).isNull();
        assertThat(request.body()).isEqualTo(BODY);
        Map<String, List<String>> headers = request.headers().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), Map.Entry::getValue));
        assertThatNoException().isThrownBy(() ->
                new Webhook(secret.value()).verify(new String(request.body(), StandardCharsets.UTF_8), headers));
    }

    @Test
    void theHostIsLookedUpOnceAndTheConnectionGoesWhereTheLookupSaid() throws Exception {
        WebhookReceiver receiver = closeLater(WebhookReceiver.http(WebhookReceiver.status(202)));
        // A rebinding resolver: 127.0.0.1 (where the receiver is) once, then 127.0.0.2 (where nothing is).
        AtomicInteger calls = new AtomicInteger();
        HostResolver rebinding = name -> List.of(InetAddress.getByAddress(
                new byte[] {127, 0, 0, (byte) (calls.incrementAndGet() == 1 ? 1 : 2)}));
        WebhookSender sender = closeLater(new WebhookSender(new WebhookTargets(Policy.LOCAL, rebinding),
                WebhookSender.Settings.defaults()));

        DeliveryAttempt attempt = sender.deliver("http://" + HOOK_HOST + ":" + receiver.port() + "/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).hasValue(202);
        assertThat(calls).hasValue(1);
        assertThat(receiver.received()).hasSize(1);
    }

    @Test
    void anErrorStatusIsAnAnswerNotAnException() throws Exception {
        WebhookReceiver receiver = closeLater(WebhookReceiver.http(WebhookReceiver.status(503)));

        DeliveryAttempt attempt = localSender().deliver("http://127.0.0.1:" + receiver.port() + "/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).hasValue(503);
        assertThat(attempt.succeeded()).isFalse();
        assertThat(attempt.error()).isEqualTo("HTTP 503");
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aRedirectIsNotFollowed(int status) throws Exception {
        WebhookReceiver elsewhere = closeLater(WebhookReceiver.http(WebhookReceiver.status(200)));
        WebhookReceiver redirecting = closeLater(WebhookReceiver.http(exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + elsewhere.port() + "/internal");
            exchange.sendResponseHeaders(status, -1);
        }));
        WebhookSender sender = localSender();

        DeliveryAttempt first = sender.deliver("http://127.0.0.1:" + redirecting.port() + "/", signed(WebhookSecret.generate()));
        // A permanent redirect, once seen, must not be remembered and applied to the next request either.
        DeliveryAttempt second = sender.deliver("http://127.0.0.1:" + redirecting.port() + "/", signed(WebhookSecret.generate()));

        for (DeliveryAttempt attempt : List.of(first, second)) {
            assertThat(attempt.status()).hasValue(status);
            assertThat(attempt.succeeded()).isFalse();
            assertThat(attempt.error()).isEqualTo("HTTP " + status + " (redirects are not followed)");
        }
        assertThat(redirecting.received()).hasSize(2);
        assertThat(elsewhere.received()).isEmpty();
    }

    @Test
    void aReceiverThatNeverAnswersIsCutOffAtTheTimeout() throws Exception {
        ServerSocket silent = silentPort();
        Duration timeout = Duration.ofSeconds(1);
        WebhookSender sender = sender(Policy.LOCAL,
                new WebhookSender.Settings(Duration.ofSeconds(3), timeout, 4096, "wan-test"));

        DeliveryAttempt attempt = sender.deliver("http://127.0.0.1:" + silent.getLocalPort() + "/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).isEmpty();
        assertThat(attempt.error()).startsWith("timed out");
        assertThat(attempt.elapsedMillis()).isBetween(timeout.toMillis() - 50, timeout.toMillis() + 8000);
        assertThat(anyoneConnected(silent)).isTrue();
    }

    @Test
    void aHugeAnswerIsNotReadWhole() throws Exception {
        long tenMegabytes = 10L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        AtomicBoolean cutOff = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        WebhookReceiver receiver = closeLater(WebhookReceiver.http(exchange -> {
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            try {
                exchange.sendResponseHeaders(200, tenMegabytes);
                OutputStream out = exchange.getResponseBody();
                while (written.get() < tenMegabytes) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                out.flush();
            } catch (IOException e) {
                cutOff.set(true);
            } finally {
                finished.countDown();
            }
        }));
        int limit = 4096;
        WebhookSender sender = sender(Policy.LOCAL, new WebhookSender.Settings(Duration.ofSeconds(3), Duration.ofSeconds(10), limit, "wan-test"));

        DeliveryAttempt attempt = sender.deliver("http://127.0.0.1:" + receiver.port() + "/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).hasValue(200);
        assertThat(attempt.succeeded()).isTrue();
        assertThat(attempt.responseExcerpt()).isEqualTo("x".repeat(limit));
        assertThat(finished.await(30, TimeUnit.SECONDS)).as("the receiver stopped writing").isTrue();
        assertThat(cutOff).as("the receiver was cut off").isTrue();
        assertThat(written.get()).isLessThan(tenMegabytes);
    }

    @Test
    void whereDeployedANameThatResolvesToLoopbackIsNeverConnected() throws Exception {
        ServerSocket listening = silentPort();
        WebhookSender sender = sender(Policy.DEPLOYED, WebhookSender.Settings.defaults());

        DeliveryAttempt byName = sender.deliver("https://evil.example.test:" + listening.getLocalPort() + "/", signed(WebhookSecret.generate()));
        DeliveryAttempt byAddress = sender.deliver("https://127.0.0.1:" + listening.getLocalPort() + "/", signed(WebhookSecret.generate()));
        DeliveryAttempt overHttp = sender.deliver("http://" + HOOK_HOST + ":" + listening.getLocalPort() + "/", signed(WebhookSecret.generate()));

        assertThat(byName.status()).isEmpty();
        assertThat(byName.error()).isEqualTo("refused: its host evil.example.test resolves to 127.0.0.1, a loopback address");
        assertThat(byAddress.error()).isEqualTo("refused: its host 127.0.0.1 is a loopback address");
        assertThat(overHttp.error()).isEqualTo("refused: it must use https");
        assertThat(lookups).as("http is refused before any lookup").hasValue(1);
        assertThat(anyoneConnected(listening)).isFalse();
    }

    @Test
    void aNameThatDoesNotResolveIsAFailedAttempt() {
        DeliveryAttempt attempt = localSender().deliver("http://nowhere.example.test/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).isEmpty();
        assertThat(attempt.error()).isEqualTo("refused: its host nowhere.example.test does not resolve");
    }

    @Test
    void aClosedPortIsAFailedAttempt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        DeliveryAttempt attempt = localSender().deliver("http://127.0.0.1:" + closedPort + "/", signed(WebhookSecret.generate()));

        assertThat(attempt.status()).isEmpty();
        assertThat(attempt.error()).startsWith("could not connect");
    }

    @Test
    void aClosedSenderDeliversNothing() {
        WebhookSender sender = new WebhookSender(new WebhookTargets(Policy.LOCAL, loopbackDns));
        sender.close();

        assertThatThrownBy(() -> sender.deliver("http://127.0.0.1:1/", signed(WebhookSecret.generate())))
                .isInstanceOf(IllegalStateException.class);
    }
}
