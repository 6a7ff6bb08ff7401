package io.wanvideo.gateway.api;

import java.util.List;

/**
 * Every route of the public API and the function that serves it: the HTTP API's routes in template.yaml, the
 * local front's, and each handler's router come from this one list (TemplateTest holds the template to it).
 */
public final class ApiRoutes {
    public static final String SUBMIT = "SubmitFunction";
    public static final String STATUS = "StatusFunction";

    /**
     * @param viaDefault served through the $default route rather than a route of its own: the answers that need
     *                   no more than the status function (the operations Wan does not offer)
     */
    public record Route(String method, String template, String function, boolean viaDefault) {}

    public static final List<Route> ALL = List.of(
            new Route("POST", "/v1/videos", SUBMIT, false),
            new Route("DELETE", "/v1/videos/{id}", SUBMIT, false),
            new Route("GET", "/v1/videos", STATUS, false),
            new Route("GET", "/v1/videos/{id}", STATUS, false),
            new Route("GET", "/v1/videos/{id}/content", STATUS, false),
            new Route("GET", "/v1/models", STATUS, false),
            new Route("GET", "/v1/models/{id}", STATUS, false),
            new Route("GET", "/v1/openapi.json", STATUS, false),
            new Route("GET", "/v1/stats", STATUS, false),
            new Route("POST", "/v1/videos/{id}/remix", STATUS, true),
            new Route("POST", "/v1/videos/edits", STATUS, true),
            new Route("POST", "/v1/videos/extensions", STATUS, true),
            new Route("POST", "/v1/videos/characters", STATUS, true),
            new Route("GET", "/v1/videos/characters/{id}", STATUS, true));

    /**
     * The playground and dashboard page and its files: not part of the API (no key: the page asks for one), so not in
     * {@link #ALL} nor the OpenAPI document. Served through $default by the function that serves it.
     */
    public static final List<Route> PAGE = List.of(
            new Route("GET", "/", STATUS, true),
            new Route("GET", "/assets/{file}", STATUS, true));

    /**
     * The upstream's completion events (README, "Completion events"): pushed by Alibaba EventBridge, not called by a
     * client, so neither in {@link #ALL} nor in the OpenAPI document; the sender presents its own token, not an API key.
     */
    public static final List<Route> EVENTS = List.of(
            new Route("POST", "/upstream-events/{account}", SUBMIT, false));

    /** Every route a function serves: the API's, the page's and the events'. */
    public static List<Route> every() {
        List<Route> every = new java.util.ArrayList<>(ALL);
        every.addAll(PAGE);
        every.addAll(EVENTS);
        return List.copyOf(every);
    }

    /** The function behind the $default route: unknown routes get the API's error body from it. */
    public static final String DEFAULT_FUNCTION = STATUS;

    private ApiRoutes() {}

    /** A router for one function: its routes served by the handlers it registers, the others known for 405s. */
    public static ApiRouter routerFor(String function, java.util.Map<String, ApiRouter.Handler> handlers) {
        ApiRouter router = new ApiRouter();
        List<Route> every = every();
        for (Route route : every) {
            String key = route.method() + " " + route.template();
            if (route.function().equals(function)) {
                ApiRouter.Handler handler = handlers.get(key);
                if (handler == null) {
                    throw new IllegalStateException(function + " has no handler for " + key);
                }
                router.on(route.method(), route.template(), handler);
            } else {
                router.elsewhere(route.method(), route.template());
            }
        }
        if (handlers.keySet().stream().anyMatch(k -> every.stream().noneMatch(r -> (r.method() + " " + r.template()).equals(k)))) {
            throw new IllegalStateException(function + " registers a handler for a route the API does not have");
        }
        return router;
    }
}
