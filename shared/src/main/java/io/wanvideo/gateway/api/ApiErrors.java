package io.wanvideo.gateway.api;

import io.wanvideo.gateway.service.IdempotencyConflictException;
import io.wanvideo.gateway.service.ModelNotFoundException;
import io.wanvideo.gateway.service.UnknownCursorException;
import io.wanvideo.gateway.service.UpstreamUnavailableException;
import io.wanvideo.gateway.service.SubmitOutcomeUnknownException;
import io.wanvideo.gateway.service.TaskNotCancellableException;
import io.wanvideo.gateway.service.VideoGoneException;
import io.wanvideo.gateway.service.VideoNotFoundException;
import io.wanvideo.gateway.service.VideoNotReadyException;
import io.wanvideo.gateway.service.UnknownAccountException;
import io.wanvideo.gateway.store.QuotaExceededException;
import io.wanvideo.gateway.upstream.UnreadableEventException;

/**
 * The one place where the services' domain errors become the public error body. Services raise what happened;
 * only here does it become a status, a type, a code and headers.
 */
public final class ApiErrors {
    /** Longest client value an error message repeats. */
    private static final int MAX_ECHO = 80;

    private ApiErrors() {}

    /** @return the public error for a domain error, or null for anything else (our fault: a 500) */
    public static ApiError of(RuntimeException e) {
        if (e instanceof ApiError api) {
            return api;
        }
        if (e instanceof VideoNotFoundException notFound) {
            return ApiError.notFound("id", "No video with id '" + echo(notFound.id()) + "'.");
        }
        if (e instanceof QuotaExceededException quota) {
            String what = quota.limit() == QuotaExceededException.Limit.WAITING
                    ? "You have as many videos waiting for this model as your limit allows; wait for some to start."
                    : "You have submitted as many videos this minute as your limit allows.";
            return ApiError.rateLimited(quota.retryAfterSeconds(), what + " Retry after " + quota.retryAfterSeconds() + " s.");
        }
        if (e instanceof IdempotencyConflictException conflict) {
            return ApiError.idempotencyKeyReused(conflict.getMessage());
        }
        if (e instanceof TaskNotCancellableException running) {
            return ApiError.taskRunning(running.getMessage());
        }
        if (e instanceof VideoNotReadyException notReady) {
            return ApiError.videoNotReady(notReady.getMessage());
        }
        if (e instanceof VideoGoneException gone) {
            return ApiError.videoExpired(gone.getMessage());
        }
        if (e instanceof ModelNotFoundException model) {
            return ApiError.notFound("id", "No model '" + echo(model.id()) + "': see GET /v1/models.");
        }
        if (e instanceof UnknownCursorException cursor) {
            return ApiError.invalidValue("after", "`after` is '" + echo(cursor.after()) + "', which names none of your "
                    + "videos; give the id of the last video of the previous page.");
        }
        if (e instanceof UnknownAccountException account) {
            return ApiError.notFound("account", "No upstream account '" + echo(account.account()) + "' takes completion "
                    + "events here.");
        }
        if (e instanceof UnreadableEventException event) {
            return ApiError.invalidValue(event.field(), event.getMessage());
        }
        if (e instanceof UpstreamUnavailableException unavailable) {
            return ApiError.unavailable(unavailable.getMessage())
                    .withHeader("retry-after", Integer.toString(unavailable.retryAfterSeconds()));
        }
        if (e instanceof SubmitOutcomeUnknownException unknown) {
            // SDKs retry a 5xx: without an idempotency key that could create the task twice.
            return ApiError.internal(unknown.retrySafe()
                            ? "The gateway failed while storing the task. Retrying with the same Idempotency-Key is safe."
                            : "The gateway failed while storing the task and cannot tell whether it was stored. List your "
                                    + "videos before submitting again, or send an Idempotency-Key to make retries safe.")
                    .withHeader("x-should-retry", Boolean.toString(unknown.retrySafe()));
        }
        return null;
    }

    /**
     * A client's value as an error message may repeat it: bounded, so a megabyte in is not a megabyte out, and
     * well-formed, so an unpaired surrogate the client sent (JSON can spell one) does not make the answer itself
     * text that cannot be written as UTF-8: it is shown as U+FFFD.
     */
    public static String echo(String value) {
        if (value == null) {
            return "";
        }
        String shown = value.codePointCount(0, value.length()) <= MAX_ECHO ? value
                : value.substring(0, value.offsetByCodePoints(0, MAX_ECHO)) + "...";
        StringBuilder out = null;
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < shown.length() && Character.isLowSurrogate(shown.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(shown.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(shown.length()).append(shown, 0, i);
                }
                out.append('\ufffd');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? shown : out.toString();
    }
}
