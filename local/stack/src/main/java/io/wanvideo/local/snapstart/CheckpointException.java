package io.wanvideo.local.snapstart;

/** Some resource's before-checkpoint hook failed; each failure is suppressed in it. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;
}
