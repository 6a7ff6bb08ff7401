package io.wanvideo.local.bench;

import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.TaskStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' watch over their tasks until every one has ended, kept light on purpose: the observer shares
 * DynamoDB Local and the two cores with the gateway it measures. Reading every unfinished task twice a second
 * (what the benchmarks did) is a pass of 200 GetItems each time at the start of a 200-task run.
 * A look reads the tasks in submission order only up to the first one still going; what it measures comes from
 * the tasks' own timestamps, so looking less often changes no figure, only when the run notices it is over.
 */
final class TaskEnds {
    private final TaskStore store;
    private final List<String> ids;
    private final Map<String, VideoTask> ended = new LinkedHashMap<>();

    TaskEnds(TaskStore store, List<String> ids) {
        this.store = store;
        this.ids = List.copyOf(ids);
    }

    /** Reads the unfinished tasks in order up to the first still going. @return whether all have ended */
    boolean look() {
        for (String id : ids) {
            if (!ended.containsKey(id) && !read(id).state().terminal()) {
                return false;
            }
        }
        return true;
    }

    /** Reads every unfinished task (for a progress line). @return the tasks still going, as read */
    List<VideoTask> lookAtAll() {
        return ids.stream().filter(id -> !ended.containsKey(id)).map(this::read).filter(t -> !t.state().terminal()).toList();
    }

    /** Reads a task, keeping it if it has ended. */
    private VideoTask read(String id) {
        VideoTask task = store.find(id).orElseThrow();
        if (task.state().terminal()) {
            ended.put(id, task);
        }
        return task;
    }

    int count() {
        return ended.size();
    }

    /** The ended tasks by id, as read when each was first seen ended. */
    Map<String, VideoTask> ended() {
        return ended;
    }
}
