package io.wanvideo.dashscope.simulator;

import java.util.ArrayDeque;
import java.util.Deque;

/** The calls admitted in the last second, for a "N per second" limit. Not thread-safe: its owner locks. */
final class RateWindow {
    private final Deque<Long> admitted = new ArrayDeque<>();

    /** Admits a call at {@code now} if fewer than {@code limit} were admitted in the second before it. */
    boolean tryAdmit(long now, int limit) {
        if (!hasRoom(now, limit)) {
            return false;
        }
        admitted.addLast(now);
        return true;
    }

    boolean hasRoom(long now, int limit) {
        while (!admitted.isEmpty() && admitted.peekFirst() <= now - 1000) {
            admitted.removeFirst();
        }
        return admitted.size() < limit;
    }
}
