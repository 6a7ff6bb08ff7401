package io.wanvideo.gateway.api;

/**
 * OpenAI's video operations that Wan 2.7 does not offer, answered with what Wan offers instead, so an SDK user
 * learns the way rather than meeting a bare 404.
 */
public final class UnsupportedOperations {
    private UnsupportedOperations() {}

    public static ApiError remix() {
        return ApiError.unsupportedOperation(null, "Wan 2.7 cannot remix a video. Submit a new video with the changed "
                + "prompt, or continue one with wan2.7-i2v and a `first_clip` media item.");
    }

    public static ApiError edits() {
        return ApiError.unsupportedOperation(null, "Wan 2.7 cannot edit a video. wan2.7-r2v takes up to five "
                + "`reference_video`/`reference_image` items to carry motion and appearance into a new video.");
    }

    public static ApiError extensions() {
        return ApiError.unsupportedOperation(null, "To extend a video, submit wan2.7-i2v with the video as a "
                + "`first_clip` media item (and optionally a `last_frame`); `seconds` is the length of the whole result.");
    }

    public static ApiError characters() {
        return ApiError.unsupportedOperation(null, "Wan 2.7 has no character store. Keep a character consistent with "
                + "wan2.7-r2v `reference_image` items, each optionally with a `reference_voice`, referred to as \"Image 1\" "
                + "and so on in the prompt.");
    }
}
