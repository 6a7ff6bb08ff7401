package io.wanvideo.dashscope.simulator;

/** One simulated upstream task; its status follows from its timestamps and the time asked. */
final class SimTask {
    final String id;
    final String model;
    final String prompt;
    final int duration;
    final String resolution;
    final String ratio;
    final int referenceVideos;
    final long createdMs;
    final long startMs;
    final long endMs;
    final String failCode;
    long canceledMs = -1;

    SimTask(String id, CreateRules.Accepted request, long createdMs, long startMs, long endMs, String failCode) {
        this.id = id;
        this.model = request.model();
        this.prompt = request.prompt();
        this.duration = request.duration();
        this.resolution = request.resolution();
        this.ratio = request.ratio();
        this.referenceVideos = request.referenceVideos();
        this.createdMs = createdMs;
        this.startMs = startMs;
        this.endMs = endMs;
        this.failCode = failCode;
    }

    String status(long now, long retentionMs) {
        if (now >= createdMs + retentionMs) {
            return "UNKNOWN";
        }
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

    /** When it stopped holding upstream capacity: its end, or its cancellation. */
    long releasedMs() {
        return canceledMs >= 0 ? canceledMs : endMs;
    }

    boolean activeAt(long now) {
        return now < releasedMs();
    }
}
