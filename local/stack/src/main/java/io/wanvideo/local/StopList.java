package io.wanvideo.local;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a local stack started, to stop in order: each part is stopped even when another fails to stop. */
final class StopList implements AutoCloseable {
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Stopped before everything added so far: what depends on those (a client before its server). */
    void stopFirst(AutoCloseable part) {
        parts.addFirst(part);
    }

    /** Stopped after everything added so far. */
    void stopLast(AutoCloseable part) {
        parts.addLast(part);
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            try {
                parts.removeFirst().close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
    }
}
