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
import io.wanvideo.gateway.api.ApiRoutes;
import io.wanvideo.gateway.api.RequestBodies;
import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.auth.Caller;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.config.SecretReader;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.schedule.GenerationTimeModel;
import io.wanvideo.gateway.service.DeleteVideo;
import io.wanvideo.gateway.service.LookupVideo;
import io.wanvideo.gateway.service.MediaStorage;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.StoredInputs;
import io.wanvideo.gateway.service.SubmitVideo;
import io.wanvideo.gateway.service.TaskObjects;
import io.wanvideo.gateway.service.VideoViews;
import io.wanvideo.gateway.upstream.Upstreams;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The API's writes: POST /v1/videos (answers the task object, status queued, at once) and DELETE /v1/videos/{id}
 * (cancels, upstream too when the task is accepted there but not started, and removes).
 */
public final class ApiGatewaySubmitVideoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Authenticator authenticator;
    private final SubmitVideo submit;
    private final DeleteVideo delete;
    private final int maxBodyBytes;
    private final ApiRouter router;

    /** Lambda's constructor: clients are built once, here, during init. */
    public ApiGatewaySubmitVideoHandler() {
        this(Env.system());
    }

    public ApiGatewaySubmitVideoHandler(Env env) {
        GatewayTable table = GatewayTable.connect(env, Clock.systemUTC());
        GenerationTimeModel times = GatewaySettings.generationTimes(env);
        this.authenticator = table.authenticator(env);
        Optional<MediaStorage> media = GatewaySettings.mediaStorage(env);
        VideoViews views = new VideoViews(times, media.<ResultLinks>map(m -> m).orElse(ResultLinks.NONE),
                GatewaySettings.resultRetention(env), table.clock());
        TaskQueue queue = new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL"));
        this.submit = new SubmitVideo(GatewaySettings.validator(env, media.isPresent()), table.tasks(), queue,
                media.<StoredInputs>map(m -> m).orElse(StoredInputs.NONE), views, table.clock());
        // The accounts are known at init; their keys are read only by a delete that must cancel upstream.
        Upstreams upstreams = GatewaySettings.upstreams(env, new SecretReader(env), table.clock());
        this.delete = new DeleteVideo(table.tasks(), queue, new LookupVideo(table.tasks(), views), () -> upstreams,
                table.rateGate(), media.<TaskObjects>map(m -> m).orElse(TaskObjects.NONE), table.clock());
        this.maxBodyBytes = GatewaySettings.maxBodyBytes(env);
        this.router = ApiRoutes.routerFor(ApiRoutes.SUBMIT, Map.of(
                "POST /v1/videos", (request, path) -> create(request),
                "DELETE /v1/videos/{id}", (request, path) -> ApiResponse.ok(
                        delete.delete(authenticator.caller(request).tenant(), path.get("id")))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGatewayEndpoint.respond(event, router::route);
    }

    private ApiResponse create(ApiRequest request) {
        Caller caller = authenticator.caller(request);
        String key = idempotencyKey(request);
        SubmitVideo.Submitted submitted = submit.submit(caller, RequestBodies.read(request, maxBodyBytes), key);
        ApiResponse response = ApiResponse.ok(submitted.video());
        return submitted.replayed() ? response.withHeader("idempotent-replayed", "true") : response;
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
