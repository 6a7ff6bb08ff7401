package io.wanvideo.local.snapstart;

/** Some resource's after-restore hook failed; each failure is suppressed in it. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;
}
