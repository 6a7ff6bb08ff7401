package io.wanvideo.gateway.upstream;

/**
 * One task as an account's task listing shows it, in the gateway's words.
 *
 * @param view      what the listing says of it, as a query would say it (without what the listing leaves out)
 * @param startedMs when it started running upstream, if the listing says (null while it waits)
 * @param complete  whether the view is all a query would tell: if false, a finished task still needs one query for
 *                  its result or failure reason
 */
public record ListedTask(UpstreamTask view, Long startedMs, boolean complete) {
    public String taskId() {
        return view.taskId();
    }
}
