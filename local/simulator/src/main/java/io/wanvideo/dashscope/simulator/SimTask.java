package io.wanvideo.dashscope.simulator;

import java.util.List;

/**
 * One simulated upstream task; its status follows from its timestamps and the time asked. Immutable: a cancel
 * replaces it with a copy, which is also what the journal replays.
 *
 * @param keyLabel     the account (API key) that created it, as {@link ApiKey#label()}; never the key itself
 * @param requestId    the request_id of the create call
 * @param canceledMs   when it was cancelled, or -1
 * @param inputsDigest SHA-256 (hex) of the create body as received
 * @param media        what DashScope received for each media item of the create
 */
record SimTask(
        String id,
        String keyLabel,
        String requestId,
        String model,
        String prompt,
        int duration,
        String resolution,
        String ratio,
        int referenceVideos,
        long createdMs,
        long startMs,
        long endMs,
        String failCode,
        long canceledMs,
        String inputsDigest,
        List<MediaReceipt> media) {

    static final long NOT_CANCELED = -1;

    SimTask {
        media = media == null ? List.of() : List.copyOf(media);
    }

    SimTask canceledAt(long ms) {
        return new SimTask(id, keyLabel, requestId, model, prompt, duration, resolution, ratio, referenceVideos, createdMs,
                startMs, endMs, failCode, ms, inputsDigest, media);
    }

    /** What DashScope answers for it at {@code now}: UNKNOWN once the retention period is over. */
    String status(long now, long retentionMs) {
        return expiredAt(now, retentionMs) ? "UNKNOWN" : outcome(now);
    }

    /** What became of it by {@code now}, retention aside. */
    String outcome(long now) {
        if (canceledMs >= 0) {
            return "CANCELED";
        }
        if (now < startMs) {
            return "PENDING";
        }
        if (now < endMs) {
            return "RUNNING";
        }
        return failCode == null ? "SUCCEEDED" : "FAILED";
    }

    boolean expiredAt(long now, long retentionMs) {
        return now >= createdMs + retentionMs;
    }

    /** When it stopped holding upstream capacity: its end, or its cancellation. */
    long releasedMs() {
        return canceledMs >= 0 ? canceledMs : endMs;
    }

    boolean activeAt(long now) {
        return now < releasedMs();
    }
}
