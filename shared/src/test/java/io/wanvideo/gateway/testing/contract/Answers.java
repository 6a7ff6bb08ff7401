package io.wanvideo.gateway.testing.contract;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract every answer keeps, whatever was asked (spec/api.md, "Errors"): never a 5xx for what a client sent;
 * a refusal is a 4xx whose body is exactly {"error": {"message", "type", "param", "code"}}, its type the one for its
 * status, its message short and in the API's words (no library's), its param naming something the request holds;
 * every body is JSON in well-formed Unicode.
 */
public final class Answers {
    /** Longest message a refusal may have, however large the value it is about. */
    public static final int MAX_MESSAGE_CHARS = 500;
    /** Longest param: a path into the request, with any name in it shortened as messages shorten it. */
    public static final int MAX_PARAM_CHARS = 200;
    /** Longest error body: message, param and the rest, with JSON's escapes. */
    public static final int MAX_ERROR_BODY_CHARS = 2000;
    /**
     * Longest body of a served request: the task object repeats only what the contract bounds (a prompt of 5000
     * code points, escaped), so a megabyte sent never comes back.
     */
    public static final int MAX_SERVED_BODY_CHARS = 65_536;
    /** Words that show a library's or the JVM's own text, never the API's. */
    public static final List<String> LIBRARY_WORDS = List.of("com.fasterxml", "jackson", "exception", "org.apache", "mime4j",
            "java.", "javax.", "software.amazon", "io.wanvideo", "caused by", "\tat ", "unrecognized token", "start_object");

    private static final Map<Integer, String> TYPES = Map.of(400, "invalid_request_error", 401, "authentication_error",
            404, "not_found_error", 405, "invalid_request_error", 409, "invalid_request_error", 410, "invalid_request_error",
            413, "invalid_request_error", 415, "invalid_request_error", 429, "rate_limit_error");

    /** What a param may name: a field of the body, a query parameter, a header, the path's {id}. */
    @FunctionalInterface
    public interface Holds {
        boolean holds(String param, String code);
    }

    /** A broken rule, with all that is needed to see why. */
    public static final class Violation extends AssertionError {
        private static final long serialVersionUID = 1L;

        Violation(String rule, APIGatewayV2HTTPResponse response) {
            super(rule + "\n  answered " + response.getStatusCode() + " " + response.getHeaders() + "\n  " + abbreviate(response.getBody()));
        }
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "(no body)";
        }
        return body.length() <= 1200 ? body : body.substring(0, 1000) + "...(" + body.length() + " chars)";
    }

    /**
     * Checks the answer against the contract and against what this request must get.
     *
     * @return the answer's body as JSON, or null when it has none
     */
    public static JsonNode check(APIGatewayV2HTTPResponse response, Expectation expected, Holds request) {
        int status = response.getStatusCode();
        require(status >= 200 && status < 500, "no input produces a 5xx (or a status outside 2xx-4xx)", response);
        switch (expected.outcome()) {
            case ACCEPTED -> require(status < 400, "a valid request is served", response);
            case REFUSED -> require(status >= 400, "an invalid request is refused", response);
            case PAGE -> require(status == 200, "the playground page's files are served", response);
            default -> { }
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (response.getHeaders() != null) {
            headers.putAll(response.getHeaders());
        }
        String body = response.getBody();
        JsonNode json = null;
        if (expected.outcome() == Expectation.Outcome.PAGE) {
            require(headers.getOrDefault("content-type", "").matches("text/(html|javascript|css); charset=utf-8"),
                    "a file of the page has its own type", response);
            return null;
        }
        if (body != null) {
            require(headers.getOrDefault("content-type", "").startsWith("application/json"), "every body is JSON", response);
            require(JsonText.wellFormed(body), "a body is well-formed Unicode (no lone surrogate), so it can be sent as UTF-8", response);
            try {
                json = Json.tree(body);
            } catch (JsonProcessingException e) {
                throw new Violation("the body parses as JSON: " + e.getOriginalMessage(), response);
            }
        }
        if (status < 300 && body != null) {
            // The OpenAPI document is the one served answer of its own size.
            require(body.length() <= MAX_SERVED_BODY_CHARS || json.has("openapi"), "a served answer is at most "
                    + MAX_SERVED_BODY_CHARS + " characters", response);
        }
        if (status >= 300 && status < 400) {
            require(headers.containsKey("location"), "a redirect says where", response);
        }
        if (status >= 400) {
            refusal(response, json, headers, expected, request);
        }
        return json;
    }

    private static void refusal(APIGatewayV2HTTPResponse response, JsonNode json, Map<String, String> headers, Expectation expected,
            Holds request) {
        int status = response.getStatusCode();
        require(json != null && json.isObject() && json.size() == 1 && json.has("error"), "a refusal's body is {\"error\": ...} alone",
                response);
        JsonNode error = json.get("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        require(error.isObject() && fields.size() == 4 && fields.containsAll(List.of("message", "type", "param", "code")),
                "the error is exactly {message, type, param, code}", response);
        require(TYPES.containsKey(status), "a refusal's status is one the API defines", response);
        require(TYPES.get(status).equals(error.get("type").asText()), "the type is " + TYPES.get(status) + " for " + status, response);
        require(error.get("code").isTextual() && error.get("code").textValue().matches("[a-z_]{3,40}"), "the code is a stable string",
                response);
        JsonNode message = error.get("message");
        require(message.isTextual() && !message.textValue().isBlank(), "there is a message", response);
        require(message.textValue().length() <= MAX_MESSAGE_CHARS, "the message is at most " + MAX_MESSAGE_CHARS + " characters",
                response);
        for (String word : LIBRARY_WORDS) {
            require(!message.textValue().toLowerCase(java.util.Locale.ROOT).contains(word), "the message names no library ("
                    + word.trim() + ")", response);
        }
        require(response.getBody().length() <= MAX_ERROR_BODY_CHARS, "the error body is at most " + MAX_ERROR_BODY_CHARS
                + " characters", response);
        JsonNode param = error.get("param");
        require(param.isNull() || param.isTextual(), "param is a string or null", response);
        String named = param.isNull() ? null : param.textValue();
        String code = error.get("code").textValue();
        if (named != null) {
            require(named.length() <= MAX_PARAM_CHARS, "param is at most " + MAX_PARAM_CHARS + " characters", response);
            require(request.holds(named, code), "param names something the request holds", response);
        }
        if (expected.namesParam()) {
            require(expected.params().stream().anyMatch(p -> matches(p, named)), "param is one of " + expected.params(), response);
        }
        if (status == 405) {
            require(headers.containsKey("allow"), "a 405 says which methods the path takes", response);
        }
    }

    /** {@code pattern} is a param, null, or a prefix ending with *. */
    private static boolean matches(String pattern, String param) {
        if (pattern == null || param == null) {
            return pattern == param;
        }
        return pattern.endsWith("*") ? param.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(param);
    }

    private static void require(boolean holds, String rule, APIGatewayV2HTTPResponse response) {
        if (!holds) {
            throw new Violation(rule, response);
        }
    }

    private Answers() {}
}
