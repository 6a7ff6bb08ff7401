package io.wanvideo.gateway.functions.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.api.ApiGatewayEndpoint;
import io.wanvideo.gateway.api.ApiResponse;
import io.wanvideo.gateway.api.JsonBodies;
import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.SqsClients;
import io.wanvideo.gateway.queue.sqs.SqsTaskQueue;
import io.wanvideo.gateway.service.SubmitVideo;
import java.time.Clock;

/** POST /v1/videos. Answers the task object, status queued, at once. */
public final class ApiGatewaySubmitVideoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Authenticator authenticator;
    private final SubmitVideo submit;
    private final int maxBodyBytes;

    /** Lambda's constructor: clients are built once, here, during init. */
    public ApiGatewaySubmitVideoHandler() {
        this(Env.system());
    }

    public ApiGatewaySubmitVideoHandler(Env env) {
        GatewayTable table = GatewayTable.connect(env, Clock.systemUTC());
        this.authenticator = table.authenticator(env);
        this.submit = new SubmitVideo(table.tasks(), new SqsTaskQueue(SqsClients.create(env), env.required("QUEUE_URL")),
                GatewaySettings.generationTimes(env), table.clock());
        this.maxBodyBytes = GatewaySettings.maxBodyBytes(env);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGatewayEndpoint.respond(event, request -> {
            String tenant = authenticator.tenant(request);
            return ApiResponse.ok(submit.submit(tenant, JsonBodies.read(request, maxBodyBytes)));
        });
    }
}
