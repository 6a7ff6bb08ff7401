package io.wanvideo.local.snapstart;

/** What org.crac's compatibility layer expects of a runtime's resource type (Lambda's is com.amazonaws.services.lambda.crac). */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
