package io.wanvideo.local;

import io.wanvideo.gateway.api.ApiError;
import io.wanvideo.gateway.api.ErrorType;
import io.wanvideo.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The front's own refusals in the API's error body ({@code {"error":{"message","type","param","code"}}}),
 * never Jetty's HTML page: requests Jetty cannot parse (bad request line, percent-escapes, Content-Length,
 * chunked encoding, HTTP version), requests over a limit, and clients that stall. Jetty calls it for every error
 * it answers, including those it meets before a request exists; {@link HttpFront} sends its own refusals here too.
 */
final class JsonErrorHandler implements Request.Handler {
    /** Request attribute: the {@link ApiError} the front chose; answered as it is. */
    static final String API_ERROR = JsonErrorHandler.class.getName() + ".error";

    private final HttpFront.Limits limits;

    JsonErrorHandler(HttpFront.Limits limits) {
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        ApiError error = request.getAttribute(API_ERROR) instanceof ApiError chosen ? chosen : refusal(request, response);
        response.setStatus(error.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, StandardCharsets.UTF_8.encode(Json.write(error.body())), callback);
        return true;
    }

    /** The public error for a refusal of Jetty's own, from its status and reason. */
    private ApiError refusal(Request request, Response response) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            reason = http.getReason();
            // Jetty wraps what it did not expect (a bad percent-escape in the path) in a bare "Bad Request".
            Throwable detail = ((Throwable) http).getCause();
            if ((reason == null || reason.equals(HttpStatus.getMessage(status))) && detail != null && detail.getMessage() != null) {
                reason = detail.getMessage();
            }
        } else if (cause instanceof TimeoutException) {
            status = 408;
        }
        String said = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
        return switch (status) {
            case 408 -> new ApiError(408, ErrorType.INVALID_REQUEST, "request_timeout", null,
                    "The request did not arrive within " + limits.idleTimeout().toSeconds() + " s. Send it without pausing.");
            case 413 -> ApiError.payloadTooLarge(null, "The request is too large" + said + ".");
            case 414 -> new ApiError(414, ErrorType.INVALID_REQUEST, "uri_too_long", null,
                    "The URL is too long: the request line and headers must fit in " + limits.maxHeaderBytes() + " bytes.");
            case 431 -> new ApiError(431, ErrorType.INVALID_REQUEST, "request_headers_too_large", null,
                    "The request headers are too large: the request line and headers must fit in "
                            + limits.maxHeaderBytes() + " bytes.");
            // Jetty's 505 (and 426 for "HTTP/2.0" on an HTTP/1 connection) is the client's doing: the API never
            // answers 5xx for bad input, and this front speaks HTTP/1 only, so there is nothing to upgrade to.
            case 426, 505 -> new ApiError(400, ErrorType.INVALID_REQUEST, "invalid_request", null,
                    "Unsupported HTTP version" + said + ". Use HTTP/1.1.");
            case 501 -> malformed(400, said);
            default -> status >= 500
                    ? ApiError.internal("The gateway failed to handle this request. Retrying may help.")
                    : malformed(status >= 400 ? status : 400, said);
        };
    }

    private static ApiError malformed(int status, String said) {
        return new ApiError(status, ErrorType.INVALID_REQUEST, "invalid_request", null,
                "The request is not valid HTTP/1.1" + said + ". Fix the request line, headers or body encoding.");
    }
}
