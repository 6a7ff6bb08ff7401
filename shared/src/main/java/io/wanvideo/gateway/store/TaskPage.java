package io.wanvideo.gateway.store;

import io.wanvideo.gateway.model.VideoTask;
import java.util.List;

/** One page of a tenant's tasks, and whether more follow. */
public record TaskPage(List<VideoTask> tasks, boolean hasMore) {}
