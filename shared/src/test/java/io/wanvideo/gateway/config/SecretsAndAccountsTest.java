package io.wanvideo.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.upstream.AccountLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the poller's upstream accounts and their keys come from. The real SDK clients talk to a loopback endpoint
 * that speaks the Secrets Manager and SSM JSON protocols.
 */
class SecretsAndAccountsTest {
    private HttpServer aws;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, String> secrets = new HashMap<>(Map.of("plain", "sk-from-secret",
            "json", "{\"api_key\":\"sk-from-json\"}",
            "accounts", "{\"accounts\":[{\"name\":\"a\",\"api_key_secret_arn\":\"arn:aws:secretsmanager:eu-west-1:1:secret:plain\"},"
                    + "{\"name\":\"b\",\"base_url\":\"https://dashscope.aliyuncs.com\",\"api_key_parameter\":\"/k/b\",\"slots_per_model\":3}]}"));

    @BeforeEach
    void start() throws Exception {
        aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        aws.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode body = Json.tree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            calls.add(target + " " + body);
            String answer;
            int status = 200;
            String secretName = body.path("SecretId").asText().replaceAll(".*:secret:", "");
            if ("secretsmanager.GetSecretValue".equals(target) && secrets.containsKey(secretName)) {
                answer = Json.write(Map.of("ARN", "arn", "Name", secretName, "SecretString", secrets.get(secretName)));
            } else if ("AmazonSSM.GetParameter".equals(target) && body.path("WithDecryption").asBoolean()) {
                answer = "{\"Parameter\":{\"Name\":\"" + body.path("Name").asText() + "\",\"Type\":\"SecureString\",\"Value\":\"sk-from-ssm\",\"Version\":1}}";
            } else {
                status = 400;
                answer = "{\"__type\":\"ResourceNotFoundException\",\"message\":\"not found\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        aws.start();
    }

    @AfterEach
    void stop() {
        aws.stop(0);
    }

    private Env env(Map<String, String> extra) {
        String url = "http://127.0.0.1:" + aws.getAddress().getPort();
        Map<String, String> env = new HashMap<>(Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", url, "AWS_ENDPOINT_URL_SSM", url,
                "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret"));
        env.putAll(extra);
        return new Env(env);
    }

    private String key(Map<String, String> env) {
        Env e = env(env);
        return new SecretReader(e).read(UpstreamAccountsConfig.read(e, new SecretReader(e)).get(0).key());
    }

    @Test
    void readsASecretHoldingTheKey() {
        assertThat(key(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:plain")))
                .isEqualTo("sk-from-secret");
        assertThat(calls).singleElement().asString().startsWith("secretsmanager.GetSecretValue");
    }

    @Test
    void readsASecretHoldingJson() {
        assertThat(key(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:json")))
                .isEqualTo("sk-from-json");
    }

    @Test
    void readsASecureStringParameterDecrypted() {
        assertThat(key(Map.of("DASHSCOPE_API_KEY_PARAMETER", "/wan-gateway/dashscope-key"))).isEqualTo("sk-from-ssm");
        assertThat(calls).singleElement().asString().contains("\"Name\":\"/wan-gateway/dashscope-key\"");
    }

    @Test
    void aSecretWinsOverAPlainKeyAndAPlainKeyIsTheLocalFallback() {
        assertThat(key(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:plain",
                "DASHSCOPE_API_KEY", "sk-plain"))).isEqualTo("sk-from-secret");
        assertThat(key(Map.of("DASHSCOPE_API_KEY", "sk-plain"))).isEqualTo("sk-plain");
        assertThat(calls).hasSize(1);
    }

    @Test
    void theSingleKeySettingsMakeOneDefaultAccount() {
        Env e = env(Map.of("DASHSCOPE_API_KEY", "sk", "SLOTS_PER_MODEL", "3", "CREATES_PER_SECOND", "2",
                "DASHSCOPE_BASE_URL", "https://dashscope.aliyuncs.com"));
        var accounts = UpstreamAccountsConfig.read(e, new SecretReader(e));
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("default");
            assertThat(a.baseUrl()).isEqualTo(URI.create("https://dashscope.aliyuncs.com"));
            assertThat(a.limits()).isEqualTo(new AccountLimits(3, 2, 20));
        });
    }

    @Test
    void aDocumentInSecretsManagerDescribesSeveralAccountsWithTheSingleSettingsAsDefaults() {
        Env e = env(Map.of("DASHSCOPE_ACCOUNTS_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:accounts",
                "QUERIES_PER_SECOND", "10"));
        SecretReader reader = new SecretReader(e);
        var accounts = UpstreamAccountsConfig.read(e, reader);
        assertThat(accounts).extracting(UpstreamAccountsConfig.Account::name).containsExactly("a", "b");
        assertThat(accounts.get(0).limits()).isEqualTo(new AccountLimits(5, 5, 10));
        assertThat(accounts.get(1).limits()).isEqualTo(new AccountLimits(3, 5, 10));
        assertThat(accounts.get(1).baseUrl().getHost()).isEqualTo("dashscope.aliyuncs.com");
        // The document names where the keys are; they are read only when asked for.
        assertThat(calls).hasSize(1);
        assertThat(reader.read(accounts.get(0).key())).isEqualTo("sk-from-secret");
        assertThat(reader.read(accounts.get(1).key())).isEqualTo("sk-from-ssm");
    }

    @Test
    void aBrokenAccountsDocumentIsAClearStartupError() {
        URI base = URI.create("https://x");
        AccountLimits d = AccountLimits.DASHSCOPE;
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("{\"accounts\":[]}", base, d)).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("[{\"name\":\"a\",\"api_key\":\"k\"},{\"name\":\"a\",\"api_key\":\"k\"}]",
                base, d)).hasMessageContaining("two accounts are named \"a\"");
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("[{\"name\":\"a\"}]", base, d)).hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("[{\"name\":\"A b\",\"api_key\":\"k\"}]", base, d))
                .hasMessageContaining("accounts[0].name");
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("[{\"name\":\"a\",\"api_key\":\"k\",\"slots\":5}]", base, d))
                .hasMessageContaining("unknown field \"slots\"");
        assertThatThrownBy(() -> UpstreamAccountsConfig.parse("[{\"name\":\"a\",\"api_key\":\"k\",\"slots_per_model\":0}]", base, d))
                .hasMessageContaining("accounts[0]");
    }

    @Test
    void noKeyAnywhereIsAClearStartupError() {
        Env e = env(Map.of());
        assertThatThrownBy(() -> UpstreamAccountsConfig.read(e, new SecretReader(e)))
                .hasMessageContaining("DASHSCOPE_API_KEY_SECRET_ARN");
        assertThatThrownBy(() -> SecretReader.field("{\"key\":\"x\"}", "api_key", "s")).hasMessageContaining("api_key");
    }

    @Test
    void aRefreshingSecretIsReadWhenFirstNeededAndAgainOnlyOnceOldOrForgotten() {
        AtomicInteger reads = new AtomicInteger();
        AtomicLong now = new AtomicLong(0);
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        RefreshingSecret secret = new RefreshingSecret(() -> "v" + reads.incrementAndGet(), Duration.ofMinutes(5), clock);
        assertThat(reads).hasValue(0);
        assertThat(secret.ageMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(secret.get()).isEqualTo("v1");
        now.set(299_999);
        assertThat(secret.get()).isEqualTo("v1");
        assertThat(secret.ageMs()).isEqualTo(299_999);
        now.set(300_000);
        assertThat(secret.get()).isEqualTo("v2");
        secret.forget();
        assertThat(secret.get()).isEqualTo("v3");
    }
}
