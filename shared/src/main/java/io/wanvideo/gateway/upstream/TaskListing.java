package io.wanvideo.gateway.upstream;

import java.util.List;

/**
 * One page of an account's task listing.
 *
 * @param tasks the page's tasks, every task of the account the provider dates within the window asked for, whichever
 *              key or client created it (callers pick out their own)
 * @param page  this page, from 1
 * @param last  whether no page follows
 */
public record TaskListing(List<ListedTask> tasks, int page, boolean last) {
    public TaskListing {
        tasks = List.copyOf(tasks);
    }
}
