package io.wanvideo.gateway.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI document (the one GET /v1/openapi.json serves) as a test oracle: does a response look as the
 * document says it does? The route must be in the document with that method, the status among the operation's
 * responses, and the headers, content type and body as described there. Bodies are held to the document
 * strictly: a property it does not name fails, unless its schema says {@code additionalProperties: true} (the
 * model object, which is open to new fields).
 *
 * <p>Checks run in swagger-request-validator (Atlassian), over swagger-parser's reading of the document.
 */
public final class ApiDocument {
    public static final String RESOURCE = "/io/wanvideo/gateway/api/openapi.json";

    private static volatile ApiDocument loaded;

    private final OpenAPI api;
    private final OpenApiInteractionValidator validator;

    private ApiDocument(String text) {
        SwaggerParseResult parsed = parse(text);
        if (parsed.getOpenAPI() == null || !parsed.getMessages().isEmpty()) {
            throw new IllegalStateException("the OpenAPI document does not parse: " + parsed.getMessages());
        }
        this.api = parsed.getOpenAPI();
        // Its own parse of the same text, unresolved: the validator resolves references itself.
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(text).build();
    }

    /** The document in the repository (shared's resources, on every module's class path). */
    public static ApiDocument load() {
        if (loaded == null) {
            loaded = new ApiDocument(text());
        }
        return loaded;
    }

    public static String text() {
        try (InputStream in = ApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** swagger-parser's reading, references resolved, with every message it has about the document. */
    public static SwaggerParseResult parse(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(text, null, options);
    }

    public OpenAPI api() {
        return api;
    }

    /**
     * The document's path template for a request path: a literal segment wins over a parameter (OpenAPI's rule),
     * so {@code /v1/videos/edits} is its own path, not {@code /v1/videos/{id}}. A path given as a template is
     * taken as it is.
     */
    public Optional<String> template(String path) {
        String bare = stripQuery(path);
        if (api.getPaths().containsKey(bare)) {
            return Optional.of(bare);
        }
        String[] segments = bare.split("/", -1);
        return api.getPaths().keySet().stream()
                .filter(t -> matches(t.split("/", -1), segments))
                .min(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()));
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith("{") && template[i].endsWith("}");
            if (parameter ? segments[i].isEmpty() : !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param path    a request path ({@code /v1/videos/video_01...?limit=2}) or the document's template
     *                ({@code /v1/videos/{id}})
     * @param headers the response's headers (names in any case)
     * @param body    the response's body, or null when it had none
     * @return what is wrong with the response by the document; empty when nothing is
     */
    public List<String> problems(String method, String path, int status, Map<String, List<String>> headers, String body) {
        String upper = method.toUpperCase(Locale.ROOT);
        Optional<String> template = template(path);
        if (template.isEmpty()) {
            return List.of("no route " + upper + " " + path + " in the document");
        }
        Operation operation = operation(api.getPaths().get(template.get()), upper);
        if (operation == null) {
            return List.of(upper + " " + template.get() + " is not in the document");
        }
        if (operation.getResponses() == null || !operation.getResponses().containsKey(Integer.toString(status))) {
            return List.of(upper + " " + template.get() + " answered " + status + ", a status the document does not list "
                    + "for it (it lists " + (operation.getResponses() == null ? "none" : operation.getResponses().keySet()) + ")");
        }
        SimpleResponse.Builder response = new SimpleResponse.Builder(status);
        headers.forEach((name, values) -> response.withHeader(name, values));
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        String concrete = stripQuery(path).replaceAll("\\{[^/}]+}", "x");
        ValidationReport report = validator.validateResponse(concrete, Request.Method.valueOf(upper), response.build());
        List<String> problems = new ArrayList<>();
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() == ValidationReport.Level.ERROR) {
                problems.add(describe(message));
            }
        }
        return problems;
    }

    /** {@link #check} for a Lambda handler's answer to an API Gateway event. */
    public void check(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent request,
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse response) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        }
        String query = request.getRawQueryString();
        check(request.getRequestContext().getHttp().getMethod(), request.getRawPath()
                + (query == null || query.isEmpty() ? "" : "?" + query), response.getStatusCode(), headers, response.getBody());
    }

    /** Fails with every problem found, and the response, unless the document describes it. */
    public void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        List<String> problems = problems(method, path, status, headers, body);
        if (!problems.isEmpty()) {
            throw new AssertionError(method + " " + path + " -> " + status + " is not as the OpenAPI document says:\n  - "
                    + String.join("\n  - ", problems) + "\nheaders: " + headers + "\nbody: " + abbreviate(body));
        }
    }

    private static String describe(ValidationReport.Message message) {
        StringBuilder text = new StringBuilder(message.getKey()).append(": ").append(message.getMessage());
        message.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                .ifPresent(p -> text.append(" (at ").append(p.getInstance()).append(')'));
        for (ValidationReport.Message nested : message.getNestedMessages()) {
            text.append("\n      ").append(describe(nested));
        }
        return text.toString();
    }

    private static Operation operation(PathItem item, String method) {
        return switch (method) {
            case "GET" -> item.getGet();
            case "POST" -> item.getPost();
            case "PUT" -> item.getPut();
            case "PATCH" -> item.getPatch();
            case "DELETE" -> item.getDelete();
            case "HEAD" -> item.getHead();
            case "OPTIONS" -> item.getOptions();
            default -> null;
        };
    }

    private static String stripQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String abbreviate(String body) {
        return body == null ? "(none)" : body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }
}
