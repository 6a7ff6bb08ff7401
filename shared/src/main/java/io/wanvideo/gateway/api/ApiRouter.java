package io.wanvideo.gateway.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes requests by method and path template ({@code /v1/videos/{id}}) to the function's handlers. A path
 * the API knows with a method this function does not serve is a 405 naming the allowed ones; any other path is
 * the API's own 404, never API Gateway's.
 */
public final class ApiRouter {
    /** A handler with the path's parameters by name. */
    @FunctionalInterface
    public interface Handler extends BiFunction<ApiRequest, Map<String, String>, ApiResponse> {}

    private record Route(String method, String template, Pattern pattern, List<String> names, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final List<Route> known = new ArrayList<>();

    /** Serves {@code method template}. */
    public ApiRouter on(String method, String template, Handler handler) {
        Route route = compile(method, template, handler);
        routes.add(route);
        known.add(route);
        return this;
    }

    /** A route of the API that another function serves: it shapes this function's 405 answers. */
    public ApiRouter elsewhere(String method, String template) {
        known.add(compile(method, template, null));
        return this;
    }

    private static Route compile(String method, String template, Handler handler) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([a-z_]+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append("/?");
        return new Route(method, template, Pattern.compile(regex.toString()), names, handler);
    }

    public ApiResponse route(ApiRequest request) {
        String path = request.path();
        Set<String> allowed = new LinkedHashSet<>();
        String template = null;
        for (Route route : known) {
            Matcher m = route.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            if (route.method().equals(request.method()) && route.handler() != null) {
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 0; i < route.names().size(); i++) {
                    params.put(route.names().get(i), m.group(i + 1));
                }
                if (route.template().startsWith("/v1/videos/{id}")) {
                    io.wanvideo.gateway.logging.LogContext.task(params.get("id"));
                }
                return route.handler().apply(request, params);
            }
            allowed.add(route.method());
            template = template == null ? route.template() : template;
        }
        if (template != null) {
            throw ApiError.methodNotAllowed(request.method() + " is not supported on " + template + "; use "
                    + String.join(" or ", allowed) + ".").withHeader("allow", String.join(", ", allowed));
        }
        throw ApiError.notFound(null, "Unknown route: " + ApiErrors.echo(request.method()) + " " + ApiErrors.echo(path) + ".");
    }
}
