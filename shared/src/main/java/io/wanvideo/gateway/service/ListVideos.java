package io.wanvideo.gateway.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.wanvideo.gateway.api.VideoObject;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.store.TaskPage;
import io.wanvideo.gateway.store.TaskStore;
import java.util.List;

/** GET /v1/videos: a tenant's tasks by creation time, a page at a time (OpenAI's cursor list). */
public final class ListVideos {
    private final TaskStore store;
    private final LookupVideo lookup;
    private final VideoViews views;

    public ListVideos(TaskStore store, LookupVideo lookup, VideoViews views) {
        this.store = store;
        this.lookup = lookup;
        this.views = views;
    }

    /** One page, as OpenAI's list object (snake_case on the wire, as the rest of the API). */
    public record Page(@JsonProperty("object") String object, @JsonProperty("data") List<VideoObject> data,
            @JsonProperty("first_id") String firstId, @JsonProperty("last_id") String lastId,
            @JsonProperty("has_more") boolean hasMore) {}

    /**
     * @param after the id of the last task of the previous page, or null for the first page
     * @throws UnknownCursorException after names no task of this tenant
     */
    public Page list(String tenant, String after, int limit, boolean newestFirst) {
        VideoTask cursor = null;
        if (after != null) {
            try {
                cursor = lookup.owned(tenant, after);
            } catch (VideoNotFoundException e) {
                throw new UnknownCursorException(after);
            }
        }
        TaskPage page = store.listByTenant(tenant, newestFirst, limit, cursor);
        List<VideoObject> data = page.tasks().stream().map(views::of).toList();
        return new Page("list", data, data.isEmpty() ? null : data.get(0).id(),
                data.isEmpty() ? null : data.get(data.size() - 1).id(), page.hasMore());
    }
}
