package io.wanvideo.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.wanvideo.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JSON body is read or refused in the API's words: its type (415), its size (413), its encoding and its syntax
 * (400 invalid_json), each with a message that says where and what, never in the parser's vocabulary.
 */
class JsonBodiesTest {
    private static ApiRequest request(String contentType, byte[] body) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setHeaders(contentType == null ? Map.of() : Map.of("Content-Type", contentType));
        event.setBody(Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);
        return new ApiRequest(event);
    }

    private static ApiRequest json(String body) {
        return request("application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiError refusal(ApiRequest request, int maxBytes) {
        try {
            JsonBodies.read(request, maxBytes);
        } catch (ApiError e) {
            return e;
        }
        throw new AssertionError("the body was read");
    }

    @Test
    void readsJsonUnderEveryJsonMediaType() throws Exception {
        for (String type : new String[] {"application/json", "Application/JSON ; charset=utf-8", "application/merge-patch+json", null}) {
            assertThat(JsonBodies.read(request(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)), 100))
                    .as("%s", type).isEqualTo(Json.tree("{\"a\":1}"));
        }
    }

    @Test
    void anyOtherMediaTypeIs415() {
        for (String type : new String[] {"text/plain", "application/jsonx", "text/json", "application/x-www-form-urlencoded", "+json"}) {
            ApiError e = refusal(request(type, "{}".getBytes(StandardCharsets.UTF_8)), 100);
            assertThat(e.status()).as(type).isEqualTo(415);
            assertThat(e.getMessage()).isEqualTo("The body must be JSON: send Content-Type: application/json.");
        }
    }

    @Test
    void aBodyOneByteOverTheLimitIs413() throws Exception {
        String body = "{\"p\":\"" + "x".repeat(94) + "\"}";
        assertThat(body).hasSize(102);
        assertThat(JsonBodies.read(json(body), 102)).isEqualTo(Json.tree(body));
        ApiError e = refusal(json(body), 101);
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.code()).isEqualTo("payload_too_large");
        assertThat(e.param()).isNull();
        assertThat(e.getMessage()).isEqualTo("The body is 102 bytes; the limit is 101.");
    }

    @Test
    void anEmptyBodyOrOneThatIsNotUtf8IsNoJson() {
        assertThat(refusal(json(""), 100).getMessage()).isEqualTo("The request body is empty; send a JSON object.");
        ApiError latin1 = refusal(request("application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xe9, '"', '}'}), 100);
        assertThat(latin1.code()).isEqualTo("invalid_json");
        assertThat(latin1.getMessage()).isEqualTo("The request body is not valid UTF-8.");
    }

    public static Stream<Arguments> syntax() {
        return Stream.of(
                arguments("{\"a\":1} {}", "The request body holds more than one JSON value: something follows the object at line 1, column 9."),
                arguments("{\"a\":1,\n\"a\":2}", "The field `a` appears twice in one object at line 2, column 4."),
                arguments("{\"" + "k".repeat(100) + "\":1,\"" + "k".repeat(100) + "\":2}",
                        "The field `" + "k".repeat(80) + "...` appears twice in one object at line 1, column 209."),
                arguments("{\"a\":NaN}", "The request body is not valid JSON at line 1, column 9: NaN and Infinity are not JSON numbers."),
                arguments("{\"a\":-Infinity}", "The request body is not valid JSON at line 1, column 15: NaN and Infinity are not JSON numbers."),
                arguments("[-Infinityx]", "The request body is not valid JSON at line 1, column 12: NaN and Infinity are not JSON numbers."),
                arguments("[NaNa]", "The request body is not valid JSON at line 1, column 6: NaN and Infinity are not JSON numbers."),
                arguments("{\"a\":[1,", "The request body ends before its JSON does at line 1, column 9."),
                arguments("{a:1}", "The request body is not valid JSON: an unexpected character at line 1, column 2."),
                arguments("{\"a\":tru}", "The request body is not valid JSON at line 1, column 9."),
                // The parser's limits say no place.
                arguments("[".repeat(65) + "]".repeat(65),
                        "The request body is nested too deeply; at most 64 levels of arrays and objects are read."),
                // 64 levels are read, so the complaint is about what follows them.
                arguments("[".repeat(64) + "1" + "]".repeat(64) + "x", "The request body is not valid JSON at line 1, column 131."),
                arguments("{\"a\":" + "1".repeat(1001) + "}", "A number in the request body is too long."),
                arguments("{\"" + "n".repeat(50_001) + "\":1}", "A value in the request body is too long."));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("syntax")
    void saysWhereAndWhatIsWrongWithTheJson(String body, String message) {
        ApiError e = refusal(json(body), 10_000_000);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("invalid_json");
        assertThat(e.param()).isNull();
        assertThat(e.getMessage()).isEqualTo(message);
    }

    @Test
    void withoutALocationTheMessageSaysOnlyWhat() {
        assertThat(JsonBodies.explain(new com.fasterxml.jackson.core.JsonParseException(null, "Unexpected end-of-input")))
                .isEqualTo("The request body ends before its JSON does.");
        assertThat(JsonBodies.explain(new com.fasterxml.jackson.core.JsonParseException(null, (String) null)))
                .isEqualTo("The request body is not valid JSON.");
    }

    @Test
    void anUnexpectedCharacterOutsideTheParserIsPlainInvalidJson() {
        // Only the parser's own complaint about a character is worded as one.
        var mapping = com.fasterxml.jackson.databind.exc.MismatchedInputException.from(null, Object.class, "Unexpected character");
        assertThat(JsonBodies.explain(mapping)).isEqualTo("The request body is not valid JSON.");
    }
}
