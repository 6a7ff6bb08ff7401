package io.wanvideo.gateway.functions.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiGatewayEndpoint;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.api.ApiResponse;
import io.wanvideo.gateway.api.ApiRouter;
import io.wanvideo.gateway.api.JsonBodies;
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.api.RequestBodies;
import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.auth.ApiKeys;
import io.wanvideo.gateway.config.AfterRestore;
import io.wanvideo.gateway.config.DryRun;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.config.SecretReader;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.logging.LogContext;
import io.wanvideo.gateway.metrics.Metrics;
import io.wanvideo.gateway.metrics.emf.EmfMetrics;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.service.CompletionEvents;
import io.wanvideo.gateway.service.DeleteVideo;
import io.wanvideo.gateway.service.LookupVideo;
import io.wanvideo.gateway.service.MediaStorage;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.StoredInputs;
import io.wanvideo.gateway.service.SubmitVideo;
import io.wanvideo.gateway.service.TaskIds;
import io.wanvideo.gateway.store.Admission;
import io.wanvideo.gateway.service.TaskObjects;
import io.wanvideo.gateway.service.VideoViews;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.validation.VideoRequestValidator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import io.wanvideo.gateway.upstream.dashscope.DashScopeClient;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.crac.Core;
import org.crac.Resource;

/**
 * The API's writes: POST /v1/videos (answers the task object, status queued, at once) and DELETE /v1/videos/{id}
 * (cancels, upstream too when the task is accepted there but not started, and removes).
 *
 * <p>Under SnapStart (README, "Cold start") it primes itself before the snapshot ({@link #prime}) and refreshes
 * credentials, keys and seeds after each restore.
 */
public final class ApiGatewaySubmitVideoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        Resource {
    private static final Logger LOG = LogManager.getLogger(ApiGatewaySubmitVideoHandler.class);
    /** A request as a client sends it, for priming: validated and marshalled, never stored. */
    static final String PRIMING_BODY = "{\"model\":\"wan2.7-r2v\",\"prompt\":\"Image 1 waves\",\"media\":[{\"type\":"
            + "\"reference_image\",\"url\":\"https://example.com/character.png\"}],\"size\":\"720P\",\"seconds\":\"5\"}";

    private final Authenticator authenticator;
    private final SubmitVideo submit;
    private final DeleteVideo delete;
    private final int maxBodyBytes;
    private final ApiRouter router;
    /** METRICS_NAMESPACE: where this deployment's metrics go (README, "Metrics"). */
    private final String metricsNamespace;
    private final GatewayTable table;
    private final TaskQueue queue;
    private final VideoRequestValidator validator;
    private final VideoViews views;
    private final CompletionEvents events;
    /** What the sender of completion events presents; empty: this gateway takes none. */
    private final Optional<Supplier<String>> eventsToken;

    /** Lambda's constructor: clients are built once, here, during init; SnapStart's hooks are registered. */
    public ApiGatewaySubmitVideoHandler() {
        this(Env.system());
        Metrics.install(new EmfMetrics(metricsNamespace));
        Core.getGlobalContext().register(this);
    }

    public ApiGatewaySubmitVideoHandler(Env env) {
        this.table = GatewayTable.connect(env, Clock.systemUTC());
        this.metricsNamespace = GatewaySettings.metricsNamespace(env);
        GenerationTimeModel times = GatewaySettings.generationTimes(env);
        this.authenticator = table.authenticator(env);
        Optional<MediaStorage> media = GatewaySettings.mediaStorage(env);
        this.views = new VideoViews(times, media.<ResultLinks>map(m -> m).orElse(ResultLinks.NONE),
                GatewaySettings.resultRetention(env), table.clock());
        this.queue = new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL"));
        this.validator = GatewaySettings.validator(env, media.isPresent());
        this.submit = new SubmitVideo(validator, table.tasks(), queue,
                media.<StoredInputs>map(m -> m).orElse(StoredInputs.NONE), views, table.clock());
        // The accounts are known at init; their keys are read only by a delete that must cancel upstream.
        Upstreams upstreams = GatewaySettings.upstreams(env, new SecretReader(env), table.clock());
        this.delete = new DeleteVideo(table.tasks(), queue, new LookupVideo(table.tasks(), views), () -> upstreams,
                table.rateGate(), media.<TaskObjects>map(m -> m).orElse(TaskObjects.NONE));
        this.maxBodyBytes = GatewaySettings.maxBodyBytes(env);
        this.events = CompletionEvents.receiving(upstreams, queue);
        this.eventsToken = GatewaySettings.upstreamEventsToken(env, new SecretReader(env), table.clock());
        this.router = ApiRoutes.routerFor(ApiRoutes.SUBMIT, Map.of(
                "POST /v1/videos", (request, path) -> create(request),
                "POST /upstream-events/{account}", (request, path) -> completionEvent(request, path.get("account")),
                "DELETE /v1/videos/{id}", (request, path) -> ApiResponse.ok(
                        delete.delete(authenticator.caller(request).tenant(), path.get("id")))));
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

    /** Rounds of the key-free create path in {@link #prime}; each is answered locally, in well under a millisecond warm. */
    private static final int PRIMING_ROUNDS = 20;

    /**
     * Loads and runs, before a snapshot, what a create goes through, writing nothing and calling no upstream: a
     * request through this handler whose key cannot exist (refused after its lookup, a read) and whose body could not
     * be stored anyway (no model), then what follows a found key up to the wire (a valid body read and validated, the
     * task and its transaction, the start message: each marshalled, signed and answered locally, never sent), and the
     * answer written, in several rounds; and the HTTP and TLS classes of an upstream cancel, without a call.
     */
    public void prime() {
        long started = System.nanoTime();
        handleRequest(request("{\"prompt\":\"priming\"}"), null);
        // Several rounds, not one: the code a create runs is then compiled, not only loaded, when the snapshot is taken.
        for (int round = 0; round < PRIMING_ROUNDS; round++) {
            APIGatewayV2HTTPEvent request = request(PRIMING_BODY);
            VideoSpec spec = validator.validate(RequestBodies.read(new ApiRequest(request), maxBodyBytes));
            VideoTask task = VideoTask.queued(new TaskIds(table.clock()).next(), "priming", spec, table.clock().millis());
            DryRun.run(() -> table.tasks().create(task, Admission.UNLIMITED));
            DryRun.run(() -> queue.send(TaskMessage.advance(task), 0));
            ApiGatewayEndpoint.respond(request, r -> ApiResponse.ok(views.of(task)));
        }
        // A delete that cancels upstream builds its client on first use; what it needs is loaded here.
        DashScopeClient.loadTransport();
        Metrics.current().prime();
        LogContext.invocation(null);
        LOG.info("primed for a snapshot in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static APIGatewayV2HTTPEvent request(String body) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /v1/videos").withRawPath("/v1/videos")
                .withHeaders(Map.of("authorization", "Bearer " + ApiKeys.PRIMING_KEY, "content-type", "application/json"))
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(
                        APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/v1/videos").build()).build())
                .build();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        AfterRestore.refresh();
    }

    private ApiResponse create(ApiRequest request) {
        Caller caller = authenticator.caller(request);
        String key = idempotencyKey(request);
        SubmitVideo.Submitted submitted = submit.submit(caller, RequestBodies.read(request, maxBodyBytes), key);
        ApiResponse response = ApiResponse.ok(submitted.video());
        return submitted.replayed() ? response.withHeader("idempotent-replayed", "true") : response;
    }

    /**
     * A completion event pushed by an upstream account (README, "Completion events"): its sender's token checked, the
     * event read, and the task it names queued for the poller, which asks about it at once.
     */
    private ApiResponse completionEvent(ApiRequest request, String account) {
        Supplier<String> token = eventsToken.orElseThrow(() -> ApiError.notFound(null, "This gateway takes no completion "
                + "events: its deployment names no token for them (UpstreamEventsTokenSecretArn)."));
        try {
            byte[] presented = Authenticator.bearer(request, "the events token").getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(presented, token.get().getBytes(StandardCharsets.UTF_8))) {
                throw ApiError.invalidApiKey("Incorrect events token provided.");
            }
        } catch (ApiError refused) {
            // Counted: a sender whose token was rotated away shows here, not only as the listing taking over.
            CompletionEvents.refused(CompletionEvents.REFUSED_TOKEN);
            throw refused;
        }
        Optional<String> queued = events.receive(account, JsonBodies.read(request, maxBodyBytes));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("received", true);
        answer.put("task_id", queued.orElse(null));
        return ApiResponse.ok(answer);
    }

    /** 1 to 255 printable ASCII characters (spec/api.md). */
    static String idempotencyKey(ApiRequest request) {
        String key = request.header("idempotency-key");
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ApiError.invalidValue("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 printable ASCII "
                    + "characters.");
        }
        return key;
    }
}
