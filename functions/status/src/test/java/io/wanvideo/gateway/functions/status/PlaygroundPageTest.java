package io.wanvideo.gateway.functions.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.store.ApiKeyStore;
import io.wanvideo.gateway.store.dynamodb.DynamoApiKeyStore;
import io.wanvideo.gateway.testing.ApiDocument;
import io.wanvideo.gateway.testing.LocalAws;
import io.wanvideo.gateway.testing.Repository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /, its assets and GET /v1/stats, through the status function's handler on DynamoDB Local; the stats' answers
 * are held to the OpenAPI document.
 */
class PlaygroundPageTest {
    private static final String TENANT_KEY = "sk-wan-tenant-key-0001";
    private static final String OPERATOR_KEY = "sk-wan-operator-key-0002";
    private static final ApiDocument DOCUMENT = ApiDocument.load();
    private final LocalAws aws = LocalAws.get();
    private ApiGatewayGetVideoHandler handler;

    @BeforeEach
    void setUp() {
        String table = aws.newTable();
        DynamoApiKeyStore keys = new DynamoApiKeyStore(aws.dynamo(), table);
        keys.put(ApiKeys.hash(TENANT_KEY), ApiKeyStore.ApiKeyRecord.of("tenant-a"));
        keys.put(ApiKeys.hash(OPERATOR_KEY), ApiKeyStore.ApiKeyRecord.operator("ops"));
        handler = new ApiGatewayGetVideoHandler(new Env(aws.environment(table, null, Map.of())));
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String key) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(Repository.path("events/get-video.json"));
        event.setRawPath(path);
        event.setRouteKey("$default");
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.setPathParameters(null);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove("authorization");
        if (key != null) {
            headers.put("authorization", "Bearer " + key);
        }
        event.setHeaders(headers);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        if (path.startsWith("/v1/") && !method.equals("POST")) {
            // The API's answers are as its document says; the page is not part of the API.
            DOCUMENT.check(event, response);
        }
        return response;
    }

    @Test
    void thePageNeedsNoKeyAndComesWithAStrictPolicy() {
        APIGatewayV2HTTPResponse page = call("GET", "/", null);
        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getHeaders()).containsEntry("content-type", "text/html; charset=utf-8")
                .containsEntry("x-content-type-options", "nosniff").containsEntry("referrer-policy", "no-referrer")
                .containsEntry("cache-control", "no-cache");
        String policy = page.getHeaders().get("content-security-policy");
        assertThat(policy).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
                "frame-ancestors 'none'", "require-trusted-types-for 'script'");
        assertThat(policy).doesNotContain("unsafe", "127.0.0.1");
        String html = page.getBody();
        assertThat(html).contains("<h1>Wan 2.7 video gateway</h1>", "id=\"api-key\" type=\"password\"");
        // No inline code: the policy would refuse it anyway.
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("<style", " style=", " onclick=");
    }

    @Test
    void assetsAreNamedByTheirHashAndHeldToItByIntegrity() throws Exception {
        String html = call("GET", "/", null).getBody();
        for (String name : new String[] {"app.js", "app.css"}) {
            Matcher m = Pattern.compile("\"/assets/" + Pattern.quote(name) + "\\?v=([0-9a-f]{16})\" integrity=\"(sha384-[^\"]+)\"")
                    .matcher(html);
            assertThat(m.find()).as(name + " referenced with its hash and integrity").isTrue();
            APIGatewayV2HTTPResponse asset = call("GET", "/assets/" + name, null);
            assertThat(asset.getStatusCode()).isEqualTo(200);
            assertThat(asset.getHeaders().get("cache-control")).contains("immutable");
            assertThat(asset.getHeaders()).containsKey("content-security-policy").containsEntry("x-content-type-options", "nosniff");
            byte[] bytes = asset.getBody().getBytes(StandardCharsets.UTF_8);
            assertThat(m.group(2)).isEqualTo("sha384-" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-384").digest(bytes)));
            assertThat(m.group(1)).isEqualTo(java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8));
        }
        assertThat(call("GET", "/assets/app.js", null).getHeaders().get("content-type")).startsWith("text/javascript");
        assertThat(call("GET", "/assets/app.css", null).getHeaders().get("content-type")).startsWith("text/css");
    }

    @Test
    void anUnknownAssetIsTheApisNotFoundAndOtherMethodsAreRefused() throws Exception {
        APIGatewayV2HTTPResponse missing = call("GET", "/assets/secrets.txt", null);
        assertThat(missing.getStatusCode()).isEqualTo(404);
        assertThat(Json.tree(missing.getBody()).at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(call("GET", "/assets/../index.html", null).getStatusCode()).isEqualTo(404);
        APIGatewayV2HTTPResponse post = call("POST", "/", null);
        assertThat(post.getStatusCode()).isEqualTo(405);
        assertThat(post.getHeaders()).containsEntry("allow", "GET");
    }

    @Test
    void noKeyIsInThePageOrItsAssetsEvenAfterKeyedCalls() {
        call("GET", "/v1/stats", OPERATOR_KEY);
        call("GET", "/v1/stats", TENANT_KEY);
        for (String path : new String[] {"/", "/assets/app.js", "/assets/app.css"}) {
            String body = call("GET", path, null).getBody();
            assertThat(body).doesNotContain(OPERATOR_KEY, TENANT_KEY, "sk-local-dev-key", "sk-wan");
        }
    }

    @Test
    void theStatsNeedAKeyAndShowThePoolOnlyToAnOperator() throws Exception {
        APIGatewayV2HTTPResponse anonymous = call("GET", "/v1/stats", null);
        assertThat(anonymous.getStatusCode()).isEqualTo(401);
        assertThat(Json.tree(anonymous.getBody()).at("/error/code").asText()).isEqualTo("invalid_api_key");

        APIGatewayV2HTTPResponse tenant = call("GET", "/v1/stats", TENANT_KEY);
        assertThat(tenant.getStatusCode()).as(tenant.getBody()).isEqualTo(200);
        JsonNode own = Json.tree(tenant.getBody());
        assertThat(own.get("object").asText()).isEqualTo("stats");
        assertThat(own.at("/tenant/id").asText()).isEqualTo("tenant-a");
        assertThat(own.at("/tenant/operator").asBoolean()).isFalse();
        assertThat(own.at("/tenant/completed_per_minute").size()).isEqualTo(60);
        assertThat(own.get("pool").isNull()).isTrue();

        JsonNode all = Json.tree(call("GET", "/v1/stats", OPERATOR_KEY).getBody());
        assertThat(all.at("/tenant/id").asText()).isEqualTo("ops");
        assertThat(all.at("/tenant/operator").asBoolean()).isTrue();
        assertThat(all.get("pool").size()).isEqualTo(2);
        assertThat(all.at("/pool/0/pool").asText()).isEqualTo("wan2.7-r2v");
        assertThat(all.at("/pool/0/slots").isNull()).as("no sweep has recorded the accounts yet").isTrue();
        assertThat(all.at("/pool/0/detection_delay/bucket_counts").size()).isEqualTo(8);
        assertThat(call("POST", "/v1/stats", OPERATOR_KEY).getStatusCode()).isEqualTo(405);
    }
}
