package io.wanvideo.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.wanvideo.gateway.json.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the poller's DashScope key comes from. The real SDK clients talk to a loopback endpoint that speaks
 * the Secrets Manager and SSM JSON protocols, holding one secret and one SecureString parameter.
 */
class DashScopeKeysTest {
    private HttpServer aws;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        aws = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        aws.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode body = Json.tree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            calls.add(target + " " + body);
            String answer;
            int status = 200;
            if ("secretsmanager.GetSecretValue".equals(target) && body.path("SecretId").asText().endsWith(":secret:plain")) {
                answer = "{\"ARN\":\"arn\",\"Name\":\"plain\",\"SecretString\":\"sk-from-secret\"}";
            } else if ("secretsmanager.GetSecretValue".equals(target) && body.path("SecretId").asText().endsWith(":secret:json")) {
                answer = "{\"ARN\":\"arn\",\"Name\":\"json\",\"SecretString\":\"{\\\"api_key\\\":\\\"sk-from-json\\\"}\"}";
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
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of("AWS_ENDPOINT_URL_SECRETS_MANAGER", url,
                "AWS_ENDPOINT_URL_SSM", url, "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "secret", "DASHSCOPE_API_KEY_SECRET_ARN", "", "DASHSCOPE_API_KEY_PARAMETER", ""));
        env.putAll(extra);
        return new Env(env);
    }

    @Test
    void readsASecretHoldingTheKey() {
        assertThat(DashScopeKeys.resolve(env(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:plain"))))
                .isEqualTo("sk-from-secret");
        assertThat(calls).singleElement().asString().startsWith("secretsmanager.GetSecretValue");
    }

    @Test
    void readsASecretHoldingJson() {
        assertThat(DashScopeKeys.resolve(env(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:json"))))
                .isEqualTo("sk-from-json");
    }

    @Test
    void readsASecureStringParameterDecrypted() {
        assertThat(DashScopeKeys.resolve(env(Map.of("DASHSCOPE_API_KEY_PARAMETER", "/wan-gateway/dashscope-key"))))
                .isEqualTo("sk-from-ssm");
        assertThat(calls).singleElement().asString().contains("\"Name\":\"/wan-gateway/dashscope-key\"");
    }

    @Test
    void aSecretWinsOverAPlainKeyAndAPlainKeyIsTheLocalFallback() {
        assertThat(DashScopeKeys.resolve(env(Map.of("DASHSCOPE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:plain",
                "DASHSCOPE_API_KEY", "sk-plain")))).isEqualTo("sk-from-secret");
        assertThat(DashScopeKeys.resolve(env(Map.of("DASHSCOPE_API_KEY", "sk-plain")))).isEqualTo("sk-plain");
        assertThat(calls).hasSize(1);
    }

    @Test
    void noKeyAnywhereIsAClearStartupError() {
        assertThatThrownBy(() -> DashScopeKeys.resolve(env(Map.of())))
                .hasMessageContaining("DASHSCOPE_API_KEY_SECRET_ARN");
        assertThatThrownBy(() -> DashScopeKeys.fromSecretString("{\"key\":\"x\"}")).hasMessageContaining("api_key");
    }
}
