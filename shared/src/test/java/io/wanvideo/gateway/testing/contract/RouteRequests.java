package io.wanvideo.gateway.testing.contract;

import static io.wanvideo.gateway.testing.contract.Expectation.accepted;
import static io.wanvideo.gateway.testing.contract.Expectation.either;
import static io.wanvideo.gateway.testing.contract.Expectation.refusedNaming;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.api.ApiRoutes.Route;
import io.wanvideo.gateway.model.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Requests to every route of {@link ApiRoutes#ALL} and to paths the API does not have: hostile ids, query strings
 * and methods, missing or malformed keys; each with what it must get, worked out from the routes and the tasks the
 * test stored ({@link Fixture}), never from the handlers.
 */
public final class RouteRequests {
    private RouteRequests() {}

    /** Who may call (two tenants and an operator, whose key shows the whole pool in GET /v1/stats), and which tasks exist. */
    public record Fixture(String ownerKey, String ownerTenant, String otherKey, String otherTenant, String operatorKey,
            String operatorTenant, Map<String, Task> tasks) {
        public record Task(String tenant, TaskState state) {}

        boolean owns(String tenant, String id) {
            Task task = tasks.get(id);
            return task != null && task.tenant().equals(tenant);
        }
    }

    /** An Authorization header (null: none) and the tenant it names (null: it names none). */
    record Auth(String header, String tenant) {}

    /**
     * A request to a route, what it must get, and the names in it a param may name; {@code documented}: the route of
     * the OpenAPI document it reached, spelled as the document spells it (null: none), so its answer, whatever it is,
     * must be one the document describes there.
     */
    public record RouteRequest(String method, String path, Map<String, String> query, Map<String, String> headers, String body,
            Expectation expected, Set<String> names, String documented, String story) {
        public APIGatewayV2HTTPEvent event() {
            return ApiEvents.event(method, path, query, headers, body, false);
        }

        public boolean holds(String param, String code) {
            return names.contains(param);
        }

        @Override
        public String toString() {
            String shownPath = path == null ? null : path.length() > 200 ? path.substring(0, 200) + "...(" + path.length() + ")" : path;
            String shownMethod = method == null ? null : method.length() > 40 ? method.substring(0, 40) + "...(" + method.length() + ")" : method;
            Map<String, String> shownHeaders = new LinkedHashMap<>();
            headers.forEach((k, v) -> shownHeaders.put(k, v == null || v.length() < 120 ? v : v.substring(0, 100) + "...(" + v.length() + ")"));
            return story + ": " + shownMethod + " " + shownPath + " ? " + query + " " + shownHeaders + " -> " + expected;
        }
    }

    /** What the router of a function does with a method and path. */
    sealed interface Routing permits Handled, NotAllowed, NotFound {}

    record Handled(Route route, String id) implements Routing {}

    record NotAllowed(Set<String> allowed) implements Routing {}

    record NotFound() implements Routing {}

    private static final Pattern PARAMETER = Pattern.compile("\\{[a-z_]+}");

    private static Pattern pattern(String template, boolean trailingSlash) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append(trailingSlash ? "/?" : "");
        return Pattern.compile(regex.toString());
    }

    /** The function API Gateway hands a request: the route whose method and path match exactly, else $default. */
    public static String deliveredTo(String method, String path) {
        for (Route route : ApiRoutes.ALL) {
            if (!route.viaDefault() && route.method().equals(method) && path != null && pattern(route.template(), false).matcher(path).matches()) {
                return route.function();
            }
        }
        return ApiRoutes.DEFAULT_FUNCTION;
    }

    /** The API's routes and the playground page's, which the status function serves too. */
    static final List<Route> ROUTES;

    static {
        List<Route> routes = new ArrayList<>(ApiRoutes.ALL);
        routes.addAll(ApiRoutes.PAGE);
        ROUTES = List.copyOf(routes);
    }

    /**
     * The spec of a function's router: the first route of this function that takes the method and path; else a route
     * of another function that does (reached by another spelling: 404); else 405 when some route has the path; else 404.
     */
    static Routing routing(String function, String method, String path) {
        String m = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        String p = path == null ? "/" : path;
        Set<String> allowed = new LinkedHashSet<>();
        boolean elsewhere = false;
        for (Route route : ROUTES) {
            Matcher matcher = pattern(route.template(), true).matcher(p);
            if (!matcher.matches()) {
                continue;
            }
            if (route.method().equals(m) && route.function().equals(function)) {
                return new Handled(route, matcher.groupCount() > 0 ? matcher.group(1) : null);
            }
            if (route.method().equals(m)) {
                elsewhere = true;
            } else {
                allowed.add(route.method());
            }
        }
        return elsewhere || allowed.isEmpty() ? new NotFound() : new NotAllowed(allowed);
    }

    // ---- what each request must get ----

    private static final Set<String> MODEL_IDS = Set.of("wan2.7-r2v", "wan2.7-i2v", "wan2.7-i2v-2026-04-25");
    /** The playground page's files (functions/status .../page): what GET /assets/{file} serves. */
    private static final List<String> PAGE_FILES = List.of("app.js", "app.css");
    private static final Set<String> VALID_LIMITS = Set.of("1", "20", "100");
    private static final Set<String> INVALID_LIMITS = Set.of("0", "101", "-1", "1e2", " 5", "", "abc", "99999999999999999999",
            "\u0665", "5\u0000", "1.5", "10000");

    static Expectation expected(String function, String method, String path, Map<String, String> query, Auth auth,
            String idempotencyKey, Fixture fixture) {
        Routing routing = routing(function, method, path);
        if (!(routing instanceof Handled handled)) {
            return refusedNaming((String) null);
        }
        Route route = handled.route();
        // The page asks for a key itself: its files are served to anyone, and only its files.
        if (route.template().equals("/")) {
            return Expectation.page();
        }
        if (route.template().equals("/assets/{file}")) {
            return PAGE_FILES.contains(handled.id()) ? Expectation.page() : refusedNaming((String) null);
        }
        if (route.viaDefault()) {
            return refusedNaming((String) null);
        }
        if (auth.tenant() == null) {
            return refusedNaming((String) null);
        }
        String tenant = auth.tenant();
        String id = handled.id();
        return switch (route.method() + " " + route.template()) {
            case "GET /v1/videos" -> {
                String order = query.get("order");
                if (order != null && !order.equals("asc") && !order.equals("desc")) {
                    yield refusedNaming("order");
                }
                String limit = query.get("limit");
                if (limit != null && INVALID_LIMITS.contains(limit)) {
                    yield refusedNaming("limit");
                }
                if (limit != null && !VALID_LIMITS.contains(limit)) {
                    yield either();
                }
                String after = query.get("after");
                yield after == null || after.isEmpty() || fixture.owns(tenant, after) ? accepted() : refusedNaming("after");
            }
            case "GET /v1/videos/{id}" -> fixture.owns(tenant, id) ? accepted() : refusedNaming("id");
            case "GET /v1/videos/{id}/content" -> {
                String variant = query.get("variant");
                if (variant != null && !variant.equals("video")) {
                    yield refusedNaming("variant");
                }
                if (!fixture.owns(tenant, id)) {
                    yield refusedNaming("id");
                }
                yield fixture.tasks().get(id).state() == TaskState.COMPLETED ? accepted() : refusedNaming("id");
            }
            case "GET /v1/models", "GET /v1/openapi.json", "GET /v1/stats" -> accepted();
            case "GET /v1/models/{id}" -> MODEL_IDS.contains(id) ? accepted() : refusedNaming("id");
            // Deleted by an earlier try, or being created upstream: owned ids may get any answer but a 5xx.
            case "DELETE /v1/videos/{id}" -> fixture.owns(tenant, id) ? either() : refusedNaming("id");
            case "POST /v1/videos" -> {
                if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                        || !idempotencyKey.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
                    yield refusedNaming("Idempotency-Key");
                }
                // A key used before answers the first task, or 409 for another body.
                yield idempotencyKey == null ? accepted() : either();
            }
            default -> throw new IllegalStateException("no expectation for " + route);
        };
    }

    // ---- generators ----

    private static final String CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

    static Arbitrary<String> ids(Fixture fixture) {
        Arbitrary<String> known = Arbitraries.of(new ArrayList<>(fixture.tasks().keySet()));
        Arbitrary<String> plausible = Arbitraries.strings().withChars(CROCKFORD.toCharArray()).ofLength(26).map(s -> "video_" + s);
        Arbitrary<String> hostile = Arbitraries.of("", ".", "..", "%2F", "%00", "%2e%2e", "video_", "VIDEO_01M7Z2RKNSSH48BDRYT5PFKFG6",
                "video_01m7z2rknssh48bdryt5pfkfg", "video_01m7z2rknssh48bdryt5pfkfg6x", "\ud800", "a b", "\u0000", "<script>",
                "'; DROP TABLE", "%F0%9F%8E%AC", "\u4e00", "wan2.7-r2v", "wan2.7-i2v", "WAN2.7-R2V", "wan2.7-i2v-2026-04-25", "content",
                "characters", "edits", "remix");
        Arbitrary<String> unicode = Arbitraries.strings().ofMinLength(1).ofMaxLength(40).filter(s -> s.indexOf('/') < 0);
        Arbitrary<String> longId = Arbitraries.integers().between(100, 20_000).map(n -> "v".repeat(n));
        Arbitrary<String> otherCase = known.map(id -> id.toUpperCase(Locale.ROOT));
        return Arbitraries.frequencyOf(Tuple.of(5, known), Tuple.of(2, plausible), Tuple.of(3, hostile), Tuple.of(2, unicode),
                Tuple.of(1, longId), Tuple.of(1, otherCase));
    }

    /** A file name for GET /assets/{file}: the page's own, near misses, and any id. */
    private static Arbitrary<String> files(Fixture fixture) {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(PAGE_FILES)),
                Tuple.of(2, Arbitraries.of("app.jsx", "APP.JS", "index.html", "app.js.map", "..", "%2e%2e", "app.css ", "")),
                Tuple.of(1, ids(fixture)));
    }

    /** A route's path with its parameter filled in. */
    private static Arbitrary<String> filled(Route route, Fixture fixture) {
        if (route.template().contains("{file}")) {
            return files(fixture).map(file -> route.template().replace("{file}", file));
        }
        return ids(fixture).map(id -> route.template().replace("{id}", id));
    }

    private static Arbitrary<String> paths(Fixture fixture) {
        Arbitrary<String> templated = Combinators.combine(Arbitraries.of(ROUTES).flatMap(route -> filled(route, fixture)),
                        Arbitraries.integers().between(0, 9), Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(8))
                .as((filledPath, variant, junk) -> {
                    String path = filledPath;
                    return switch (variant) {
                        case 0 -> path + "/";
                        case 1 -> path + "/" + junk;
                        case 2 -> path.toUpperCase(Locale.ROOT);
                        default -> path;
                    };
                });
        Arbitrary<String> unknown = Arbitraries.oneOf(
                Arbitraries.of("/", "", "/v1", "/v1/", "/v2/videos", "//v1/videos", "/v1//videos", "/v1/videos/a/b", "/v1/models/a/b",
                        "/v1/videos/x/content/y", "/v1/openapi.json/x", "/v1/openapi", "/openapi.json", "/v1/videos?x=1", "/v1/videos#x",
                        "/%76%31/videos", "/v1/videos/%2F/content", "/v1/files", "/v1/chat/completions", "/.env", "/v1/videos/../models"),
                Arbitraries.strings().ofMaxLength(60).map(s -> "/" + s),
                Arbitraries.integers().between(1000, 20_000).map(n -> "/v1/" + "p".repeat(n)));
        return Arbitraries.frequencyOf(Tuple.of(6, templated), Tuple.of(2, unknown));
    }

    private static Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("GET", "POST", "DELETE")),
                Tuple.of(2, Arbitraries.of("PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT")),
                Tuple.of(1, Arbitraries.of("get", "Post", "delete")),
                Tuple.of(1, Arbitraries.of("", " ", "G ET", "\u00c9T", "\ud800", "X".repeat(3000), "GET\r\nX: y")),
                Tuple.of(1, Arbitraries.just((String) null)));
    }

    private static Arbitrary<Auth> auth(Fixture fixture) {
        String owner = fixture.ownerKey();
        Arbitrary<Auth> valid = Arbitraries.of("Bearer " + owner, "bearer " + owner, "BEARER \t" + owner + "  ", "  Bearer   " + owner)
                .map(h -> new Auth(h, fixture.ownerTenant()));
        Arbitrary<Auth> other = Arbitraries.of(new Auth("Bearer " + fixture.otherKey(), fixture.otherTenant()),
                new Auth("Bearer " + fixture.operatorKey(), fixture.operatorTenant()));
        Arbitrary<Auth> invalid = Arbitraries.oneOf(
                Arbitraries.of("", " ", "Bearer", "Bearer ", "Basic c2stbG9jYWw6", "Bearer sk-unknown", "Token " + owner, owner,
                                "Bearer " + owner + " extra", "Bearer sk\ud800", "Bearer \u0000", "Bearer " + owner + "x")
                        .map(h -> new Auth(h, null)),
                Arbitraries.integers().between(300, 20_000).map(n -> new Auth("Bearer " + "k".repeat(n), null)),
                Arbitraries.just(new Auth(null, null)));
        return Arbitraries.frequencyOf(Tuple.of(6, valid), Tuple.of(2, other), Tuple.of(3, invalid));
    }

    private static Arbitrary<Map<String, String>> query(Fixture fixture) {
        Arbitrary<String> after = Arbitraries.frequencyOf(Tuple.of(3, ids(fixture)), Tuple.of(1, Arbitraries.just("")));
        Arbitrary<String> limit = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(VALID_LIMITS)), Tuple.of(3, Arbitraries.of(INVALID_LIMITS)),
                Tuple.of(1, Arbitraries.of("007", "0100")));
        Arbitrary<String> order = Arbitraries.of("asc", "desc", "ASC", "random", "", "desc,asc", "\ud800", "o".repeat(5000));
        Arbitrary<String> variant = Arbitraries.of("video", "thumbnail", "spritesheet", "", "VIDEO", "video,video", "v".repeat(5000), "\udc00");
        Arbitrary<String> junk = HostileValues.text(40);
        return Combinators.combine(after.injectNull(0.7), limit.injectNull(0.7), order.injectNull(0.7), variant.injectNull(0.7),
                        junk.injectNull(0.8))
                .as((a, l, o, v, j) -> {
                    Map<String, String> query = new LinkedHashMap<>();
                    putIf(query, "after", a);
                    putIf(query, "limit", l);
                    putIf(query, "order", o);
                    putIf(query, "variant", v);
                    putIf(query, "x-unknown", j);
                    return query;
                });
    }

    private static void putIf(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /**
     * Requests API Gateway hands the function {@code function}: for the status function every path and method but
     * those of the submit function's routes (it is the $default route too); for the submit function, its two routes.
     *
     * @param validBody a JSON body for POST /v1/videos (the body's own cases are properties of their own)
     */
    public static Arbitrary<RouteRequest> requests(String function, Fixture fixture, Arbitrary<String> validBody) {
        Arbitrary<String[]> target;
        if (function.equals(ApiRoutes.SUBMIT)) {
            target = Combinators.combine(Arbitraries.of(ApiRoutes.ALL.stream().filter(r -> r.function().equals(ApiRoutes.SUBMIT)).toList()),
                    ids(fixture)).as((route, id) -> new String[] {route.method(), route.template().replace("{id}", id)})
                    .filter(mp -> deliveredTo(mp[0], mp[1]).equals(ApiRoutes.SUBMIT));
        } else {
            Arbitrary<String[]> ownMethod = Arbitraries.of(ROUTES)
                    .flatMap(route -> filled(route, fixture).map(path -> new String[] {route.method(), path}));
            Arbitrary<String[]> anyMethod = Combinators.combine(methods(), paths(fixture)).as((m, p) -> new String[] {m, p});
            target = Arbitraries.frequencyOf(Tuple.of(1, ownMethod), Tuple.of(2, anyMethod))
                    .filter(mp -> deliveredTo(mp[0], mp[1]).equals(function));
        }
        Arbitrary<String> idempotencyKey = Arbitraries.oneOf(Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(255),
                Arbitraries.of("", "k".repeat(256), "caf\u00e9", "a\tb", "\u0000", "x\ud800")).injectNull(0.6);
        return Combinators.combine(target, query(fixture), auth(fixture), idempotencyKey, validBody,
                        Arbitraries.of("application/json", "text/plain", "").injectNull(0.5))
                .as((mp, query, auth, key, body, type) -> {
                    String method = mp[0];
                    String path = mp[1];
                    boolean post = method != null && method.equals("POST");
                    Map<String, String> headers = new HashMap<>();
                    putIf(headers, "authorization", auth.header());
                    if (post) {
                        putIf(headers, "idempotency-key", key);
                        headers.put("content-type", "application/json");
                    } else {
                        putIf(headers, "content-type", type);
                    }
                    Set<String> names = new LinkedHashSet<>(query.keySet());
                    Routing routing = routing(function, method, path);
                    if (routing instanceof Handled handled && handled.route().template().contains("{id}")) {
                        names.add("id");
                    }
                    if (post && key != null) {
                        names.add("Idempotency-Key");
                    }
                    Expectation expected = expected(function, method, path, query, auth, post ? key : null, fixture);
                    String documented = routing instanceof Handled handled && ApiRoutes.ALL.contains(handled.route())
                            && handled.route().method().equals(method) && pattern(handled.route().template(), false).matcher(path).matches()
                            ? handled.route().template() : null;
                    return new RouteRequest(method, path, query, headers, post ? body : null, expected, names, documented,
                            routing.getClass().getSimpleName());
                });
    }
}
