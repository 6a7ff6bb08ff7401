package io.wanvideo.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AWS calls made up to the wire and answered there, for priming a function before its SnapStart snapshot (README,
 * "Cold start"): inside {@link #run}, every call on this thread by a client built here is validated, marshalled and
 * signed, then answered by {@link DryRunHttpClient} with an empty success instead of being sent, and that answer is
 * read as a real one would be. So the code that builds a write (a task's transaction, a queue message) and reads its
 * answer is loaded and compiled without writing anything. Outside, calls go out as usual.
 *
 * <p>Within one run, an item put (alone or in a transaction) is remembered, and a later read of its key in the same
 * run is answered with it: priming can place a task and then run a message for it, the whole path from the task's
 * read to the writes it makes, with nothing leaving the process. Nothing outlives the run.
 */
public final class DryRun {
    private static final ThreadLocal<State> ACTIVE = new ThreadLocal<>();

    /** One run's calls answered, and the items it put (table name, item in DynamoDB's JSON). */
    private static final class State {
        int answered;
        final List<Map.Entry<String, JsonNode>> items = new ArrayList<>();
    }

    private DryRun() {}

    /**
     * Runs {@code calls} with every AWS call on this thread answered locally.
     *
     * @return whether any call was answered (anything {@code calls} threw is thrown)
     */
    public static boolean run(Runnable calls) {
        State before = ACTIVE.get();
        State state = new State();
        ACTIVE.set(state);
        try {
            calls.run();
            return state.answered > 0;
        } finally {
            if (before == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(before);
            }
        }
    }

    /** Whether this thread is inside {@link #run}: a client of a system without a dry answer must not send. */
    public static boolean active() {
        return ACTIVE.get() != null;
    }

    static void answered() {
        State state = ACTIVE.get();
        if (state != null) {
            state.answered++;
        }
    }

    /** Remembers an item this run put into {@code table}; a later put of the same key is the one read. */
    static void put(String table, JsonNode item) {
        State state = ACTIVE.get();
        if (state != null) {
            state.items.add(Map.entry(table, item));
        }
    }

    /** The item this run last put into {@code table} whose attributes match every attribute of {@code key}. */
    static Optional<JsonNode> get(String table, JsonNode key) {
        State state = ACTIVE.get();
        if (state == null) {
            return Optional.empty();
        }
        for (int i = state.items.size() - 1; i >= 0; i--) {
            Map.Entry<String, JsonNode> entry = state.items.get(i);
            if (entry.getKey().equals(table) && matches(entry.getValue(), key)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private static boolean matches(JsonNode item, JsonNode key) {
        if (!key.isObject() || key.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            if (!attribute.getValue().equals(item.get(attribute.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
