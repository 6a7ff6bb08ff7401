package io.wanvideo.gateway.functions.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ApiGatewayEndpoint;
import io.wanvideo.gateway.api.ApiRequest;
import io.wanvideo.gateway.api.ApiResponse;
import io.wanvideo.gateway.auth.Authenticator;
import io.wanvideo.gateway.config.Env;
import io.wanvideo.gateway.config.GatewaySettings;
import io.wanvideo.gateway.config.GatewayTable;
import io.wanvideo.gateway.service.LookupVideo;
import io.wanvideo.gateway.service.ResultLinks;
import io.wanvideo.gateway.service.VideoViews;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /v1/videos/{id}, and the API's $default route: every request no other route takes lands here and is
 * answered with the public error body (404 unknown route, 405 wrong method) rather than API Gateway's own.
 */
public final class ApiGatewayGetVideoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Pattern VIDEO = Pattern.compile("/v1/videos/([^/]+)/?");
    private static final Pattern VIDEOS = Pattern.compile("/v1/videos/?");

    private final Authenticator authenticator;
    private final LookupVideo lookup;

    /** Lambda's constructor: clients are built once, here, during init. */
    public ApiGatewayGetVideoHandler() {
        this(Env.system());
    }

    public ApiGatewayGetVideoHandler(Env env) {
        GatewayTable table = GatewayTable.connect(env, Clock.systemUTC());
        this.authenticator = table.authenticator(env);
        VideoViews views = new VideoViews(GatewaySettings.generationTimes(env), ResultLinks.NONE,
                GatewaySettings.resultRetention(env), table.clock());
        this.lookup = new LookupVideo(table.tasks(), views);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGatewayEndpoint.respond(event, this::route);
    }

    private ApiResponse route(ApiRequest request) {
        Matcher video = VIDEO.matcher(request.path());
        if (video.matches()) {
            if (!request.method().equals("GET")) {
                throw ApiError.methodNotAllowed(request.method() + " is not supported on /v1/videos/{id}; use GET.");
            }
            String tenant = authenticator.caller(request).tenant();
            String id = request.pathParameter("id") != null ? request.pathParameter("id") : video.group(1);
            return ApiResponse.ok(lookup.find(tenant, id));
        }
        if (VIDEOS.matcher(request.path()).matches()) {
            throw ApiError.methodNotAllowed(request.method() + " is not supported on /v1/videos; use POST to create a video.");
        }
        throw ApiError.notFound(null, "Unknown route: " + request.method() + " " + request.path() + ".");
    }
}
