package io.wanvideo.gateway.functions.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiErrors;
import io.wanvideo.gateway.api.ApiGatewayEndpoint;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.api.ApiResponse;
import io.wanvideo.gateway.api.ApiRouter;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.api.OpenApiDocument;
import io.wanvideo.gateway.api.UnsupportedOperations;
import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.AfterRestore;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.service.GatewayStats;
import io.wanvideo.gateway.logging.LogContext;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.emf.EmfMetrics;
import io.wanvideo.gateway.json.Json;
import io.wanvideo.gateway.model.ResultCopy;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.TaskState;
import io.wanvideo.gateway.model.UpstreamState;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.service.ListVideos;
import io.wanvideo.gateway.service.LookupVideo;
import io.wanvideo.gateway.service.ModelCatalogue;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.VideoNotFoundException;
import io.wanvideo.gateway.service.VideoViews;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import io.wanvideo.gateway.model.Usage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.crac.Core;
import org.crac.Resource;

/**
 * Every read of the API: a video, the list, its content, the model catalogue, the OpenAPI document, the statistics;
 * and the playground page that shows them ({@link PlaygroundPage}). Also the
 * API's $default route: every request no other route takes lands here and is answered with the public error
 * body (404 unknown route, 405 wrong method, 400 for the OpenAI operations Wan does not offer) rather than API
 * Gateway's own.
 */
public final class ApiGatewayGetVideoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        Resource {
    private static final Logger LOG = LogManager.getLogger(ApiGatewayGetVideoHandler.class);
    /** Of the id form, so a lookup reads the table; made of zeros, no generated id can be it. */
    static final String PRIMING_ID = "video_00000000000000000000000000";
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final Authenticator authenticator;
    private final LookupVideo lookup;
    private final ListVideos list;
    private final ModelCatalogue models;
    private final ApiRouter router;
    /** METRICS_NAMESPACE: where this deployment's metrics go (README, "Metrics"). */
    private final String metricsNamespace;
    private final VideoViews views;
    private final Clock clock;

    /** Lambda's constructor: clients are built once, here, during init; SnapStart's hooks are registered. */
    public ApiGatewayGetVideoHandler() {
        this(Env.system());
        Metrics.install(new EmfMetrics(metricsNamespace));
        Core.getGlobalContext().register(this);
    }

    public ApiGatewayGetVideoHandler(Env env) {
        GatewayTable table = GatewayTable.connect(env, Clock.systemUTC());
        this.metricsNamespace = GatewaySettings.metricsNamespace(env);
        this.clock = table.clock();
        this.authenticator = table.authenticator(env);
        this.views = new VideoViews(GatewaySettings.generationTimes(env),
                GatewaySettings.mediaStorage(env).<ResultLinks>map(m -> m).orElse(ResultLinks.NONE),
                GatewaySettings.resultRetention(env), table.clock());
        this.lookup = new LookupVideo(table.tasks(), views);
        this.list = new ListVideos(table.tasks(), lookup, views);
        this.models = new ModelCatalogue(GatewaySettings.prices(env), table.accountStates());
        Map<String, ApiRouter.Handler> handlers = new LinkedHashMap<>();
        handlers.put("GET /v1/videos", (request, path) -> listVideos(request));
        handlers.put("GET /v1/videos/{id}", (request, path) -> ApiResponse.ok(lookup.find(tenant(request), path.get("id"))));
        handlers.put("GET /v1/videos/{id}/content", (request, path) -> content(request, path.get("id")));
        handlers.put("GET /v1/models", (request, path) -> {
            tenant(request);
            return ApiResponse.ok(models.all());
        });
        handlers.put("GET /v1/models/{id}", (request, path) -> {
            tenant(request);
            return ApiResponse.ok(models.find(path.get("id")));
        });
        handlers.put("GET /v1/openapi.json", (request, path) -> {
            tenant(request);
            return new ApiResponse(200, new ApiResponse.Raw("application/json; charset=utf-8", OpenApiDocument.text()), Map.of());
        });
        GatewayStats stats = new GatewayStats(table.tasks(), table.accountStates(), table.clock());
        handlers.put("GET /v1/stats", (request, path) -> ApiResponse.ok(stats.report(authenticator.caller(request))));
        PlaygroundPage page = new PlaygroundPage(env);
        handlers.put("GET /", (request, path) -> page.index());
        handlers.put("GET /assets/{file}", (request, path) -> page.asset(path.get("file")));
        handlers.put("POST /v1/videos/{id}/remix", (request, path) -> {
            tenant(request);
            throw UnsupportedOperations.remix();
        });
        handlers.put("POST /v1/videos/edits", (request, path) -> {
            tenant(request);
            throw UnsupportedOperations.edits();
        });
        handlers.put("POST /v1/videos/extensions", (request, path) -> {
            tenant(request);
            throw UnsupportedOperations.extensions();
        });
        handlers.put("POST /v1/videos/characters", (request, path) -> {
            tenant(request);
            throw UnsupportedOperations.characters();
        });
        handlers.put("GET /v1/videos/characters/{id}", (request, path) -> {
            tenant(request);
            throw UnsupportedOperations.characters();
        });
        this.router = ApiRoutes.routerFor(ApiRoutes.STATUS, handlers);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        LogContext.invocation(context == null ? null : context.getAwsRequestId());
        try {
            return ApiGatewayEndpoint.respond(event, router::route);
        } finally {
            Metrics.current().flush();
        }
    }

    /**
     * Loads and runs, before a snapshot, what a lookup goes through, reading only: a request through this handler
     * whose key cannot exist (refused after its lookup), the lookup of an id no task can have, a tenant's empty list,
     * and a finished task's answer written, its result link signed (locally: no call).
     */
    public void prime() {
        long started = System.nanoTime();
        handleRequest(APIGatewayV2HTTPEvent.builder().withRouteKey("GET /v1/videos/{id}").withRawPath("/v1/videos/" + PRIMING_ID)
                .withHeaders(Map.of("authorization", "Bearer " + ApiKeys.PRIMING_KEY))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(APIGatewayV2HTTPEvent.RequestContext.Http
                        .builder().withMethod("GET").withPath("/v1/videos/" + PRIMING_ID).build()).build()).build(), null);
        try {
            lookup.find("priming", PRIMING_ID);
        } catch (VideoNotFoundException expected) {
            // As it should be.
        }
        list.list("priming", null, DEFAULT_LIMIT, true);
        long now = clock.millis();
        VideoSpec spec = GatewaySettings.validator(new Env(Map.of()), false).validate(Json.read("{\"model\":\"wan2.7-i2v\","
                + "\"prompt\":\"priming\",\"media\":[{\"type\":\"first_frame\",\"url\":\"https://example.com/priming.png\"}]}",
                JsonNode.class));
        VideoTask finished = VideoTask.queued(PRIMING_ID, "priming", spec, now - 120_000).next()
                .state(TaskState.COMPLETED).upstreamState(UpstreamState.SUCCEEDED).dispatchedMs(now - 110_000)
                .submittedMs(now - 100_000).runOriginMs(now - 100_000).completedMs(now).videoUrl("https://example.com/priming.mp4")
                .videoExpiresMs(now + 86_400_000L).result(new ResultCopy(ResultCopy.COPIED, "results/" + PRIMING_ID + ".mp4", 1, null, null))
                .build();
        ApiGatewayEndpoint.respond(new APIGatewayV2HTTPEvent(), request -> ApiResponse.ok(views.of(finished)));
        // A found task's stored parts, read back as the store reads them.
        Json.read(Json.write(finished.spec()), VideoSpec.class);
        Json.read(Json.write(finished.result()), ResultCopy.class);
        Json.read(Json.write(new Usage(5.0, 5.0, 5.0, 0.5)), Usage.class);
        Metrics.current().prime();
        LogContext.invocation(null);
        LOG.info("primed for a snapshot in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        AfterRestore.refresh();
    }

    private String tenant(ApiRequest request) {
        return authenticator.caller(request).tenant();
    }

    private ApiResponse listVideos(ApiRequest request) {
        String tenant = tenant(request);
        String order = request.query("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiError.invalidValue("order", "`order` must be asc or desc; got '" + ApiErrors.echo(order) + "'.");
        }
        int limit = DEFAULT_LIMIT;
        String limitText = request.query("limit");
        if (limitText != null) {
            if (!limitText.matches("[0-9]{1,4}") || Integer.parseInt(limitText) < 1 || Integer.parseInt(limitText) > MAX_LIMIT) {
                throw ApiError.invalidValue("limit", "`limit` must be a whole number from 1 to " + MAX_LIMIT + "; got '"
                        + ApiErrors.echo(limitText) + "'.");
            }
            limit = Integer.parseInt(limitText);
        }
        String after = request.query("after");
        return ApiResponse.ok(list.list(tenant, after == null || after.isEmpty() ? null : after, limit, !"asc".equals(order)));
    }

    private ApiResponse content(ApiRequest request, String id) {
        String tenant = tenant(request);
        String variant = request.query("variant");
        if (variant != null && !variant.equals("video")) {
            throw ApiError.invalidValue("variant", "Only `variant=video` is available: Wan produces no thumbnail or "
                    + "spritesheet; got '" + ApiErrors.echo(variant) + "'.");
        }
        return ApiResponse.redirect(lookup.content(tenant, id));
    }
}
