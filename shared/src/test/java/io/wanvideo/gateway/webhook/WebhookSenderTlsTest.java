package io.wanvideo.gateway.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.wanvideo.gateway.webhook.WebhookReceiver.Received;
import io.wanvideo.gateway.webhook.WebhookTargets.Policy;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS to a checked address: the connection goes to the address the resolver gave (127.0.0.1; the names
 * used here exist in no real DNS), while TLS sends the URL's host name as SNI and checks the certificate
 * against it. Certificates are made for each run with the JDK's keytool.
 */
class WebhookSenderTlsTest {
    private static final String HOOK_HOST = "hooks.example.test";
    private static final String OTHER_HOST = "other.example.test";
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path keys;

    private static KeyStore hookCertificate;
    private static KeyStore otherCertificate;
    private static WebhookReceiver hookServer;
    private static WebhookReceiver otherServer;
    private static final AtomicInteger LOOKUPS = new AtomicInteger();

    @BeforeAll
    static void serveHttps() throws Exception {
        // Each keytool is a JVM start: run both at once.
        CompletableFuture<KeyStore> other = CompletableFuture.supplyAsync(() -> selfSigned(OTHER_HOST));
        hookCertificate = selfSigned(HOOK_HOST);
        otherCertificate = other.get(120, TimeUnit.SECONDS);
        hookServer = WebhookReceiver.https(serverTls(hookCertificate), WebhookReceiver.status(200));
        otherServer = WebhookReceiver.https(serverTls(otherCertificate), WebhookReceiver.status(200));
    }

    @AfterAll
    static void stop() throws Exception {
        hookServer.close();
        otherServer.close();
    }

    /** A key pair and a self-signed certificate for {@code host}, valid for two days. */
    private static KeyStore selfSigned(String host) {
        try {
            return generate(host);
        } catch (Exception e) {
            throw new IllegalStateException("could not make a certificate for " + host, e);
        }
    }

    private static KeyStore generate(String host) throws Exception {
        Path store = keys.resolve(host + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        return keyStore;
    }

    private static SSLContext serverTls(KeyStore certificate) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(certificate, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        return tls;
    }

    /** A client TLS context that trusts exactly these certificates. */
    private static SSLContext trusting(KeyStore... certificates) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trusted.setCertificateEntry("trusted-" + i, certificates[i].getCertificate("receiver"));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trustManagers.getTrustManagers(), null);
        return tls;
    }

    /** The sender of the local stack, whose DNS says hooks.example.test is 127.0.0.1. */
    private static WebhookSender sender(SSLContext trust) {
        HostResolver dns = name -> {
            LOOKUPS.incrementAndGet();
            if (name.equals(HOOK_HOST)) {
                return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
            }
            throw new UnknownHostException(name);
        };
        return new WebhookSender(new WebhookTargets(Policy.LOCAL, dns), WebhookSender.Settings.defaults(), trust);
    }

    private static SignedWebhook webhook() {
        return WebhookSigner.sign(WebhookSecret.generate(), "evt_tls", Instant.now().getEpochSecond(), "{}".getBytes());
    }

    @Test
    void tlsUsesTheHostNameWhileTheConnectionGoesToTheCheckedAddress() throws Exception {
        int before = hookServer.received().size();
        int lookupsBefore = LOOKUPS.get();
        DeliveryAttempt attempt;
        try (WebhookSender sender = sender(trusting(hookCertificate))) {
            attempt = sender.deliver("https://" + HOOK_HOST + ":" + hookServer.port() + "/hook", webhook());
        }

        assertThat(attempt.error()).isNull();
        assertThat(attempt.status()).hasValue(200);
        assertThat(LOOKUPS.get() - lookupsBefore).isEqualTo(1);
        List<Received> received = hookServer.received();
        assertThat(received).hasSize(before + 1);
        assertThat(received.get(received.size() - 1).serverName()).isEqualTo(HOOK_HOST);
        assertThat(received.get(received.size() - 1).header("Host")).isEqualTo(HOOK_HOST + ":" + hookServer.port());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        // Trusted, but issued to other.example.test: the address is right, the name is not.
        DeliveryAttempt attempt;
        try (WebhookSender sender = sender(trusting(hookCertificate, otherCertificate))) {
            attempt = sender.deliver("https://" + HOOK_HOST + ":" + otherServer.port() + "/hook", webhook());
        }

        assertThat(attempt.status()).isEmpty();
        assertThat(attempt.error()).startsWith("TLS failed").contains(HOOK_HOST);
        assertThat(otherServer.received()).isEmpty();
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        int before = hookServer.received().size();
        DeliveryAttempt attempt;
        try (WebhookSender sender = sender(trusting(otherCertificate))) {
            attempt = sender.deliver("https://" + HOOK_HOST + ":" + hookServer.port() + "/hook", webhook());
        }

        assertThat(attempt.status()).isEmpty();
        assertThat(attempt.error()).startsWith("TLS failed");
        assertThat(hookServer.received()).hasSize(before);
    }
}
