package io.wanvideo.dashscope.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A result video's URL, signed the way OSS signs a V1 URL: {@code ?OSSAccessKeyId=..&Expires=<epoch s>&Signature=..}.
 * The signature only lets the simulator notice a tampered expiry; the key is fixed so that URLs handed out before a
 * restart still verify after it.
 */
final class ResultUrl {
    static final String ACCESS_KEY_ID = "LTAI5tSimulatorKey";
    private static final byte[] SIGNING_KEY = "dashscope-simulator-result-urls".getBytes(StandardCharsets.UTF_8);

    /** What downloading a result URL finds. */
    enum Access {
        GRANTED(200, null, null, null),
        UNSIGNED(403, "AccessDenied", "You have no right to access this object because of bucket acl.", "0003-00000001"),
        NO_EXPIRES(403, "AccessDenied", "Expires field is missing in the signed URL.", "0002-00000068"),
        BAD_EXPIRES(403, "AccessDenied", "Invalid Expires in the signed URL.", "0002-00000070"),
        EXPIRED(403, "AccessDenied", "Request has expired.", "0002-00000069"),
        BAD_SIGNATURE(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.", null),
        NO_SUCH_KEY(404, "NoSuchKey", "The specified key does not exist.", null);

        final int status;
        final String code;
        final String message;
        final String ec;

        Access(int status, String code, String message, String ec) {
            this.status = status;
            this.code = code;
            this.message = message;
            this.ec = ec;
        }
    }

    private ResultUrl() {}

    static String path(String taskId) {
        return "/_sim/videos/" + taskId + ".mp4";
    }

    /** The path and query of the signed URL for a task's video, valid until {@code expiresEpochSeconds}. */
    static String signedPath(String taskId, long expiresEpochSeconds) {
        return path(taskId) + "?OSSAccessKeyId=" + ACCESS_KEY_ID + "&Expires=" + expiresEpochSeconds
                + "&Signature=" + signature(taskId, expiresEpochSeconds);
    }

    static String signature(String taskId, long expiresEpochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SIGNING_KEY, "HmacSHA1"));
            byte[] digest = mac.doFinal(("GET\n\n\n" + expiresEpochSeconds + "\n/" + taskId + ".mp4")
                    .getBytes(StandardCharsets.UTF_8));
            // URL-safe so the signature needs no percent-encoding in the query.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
