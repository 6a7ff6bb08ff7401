package io.wanvideo.local.snapstart;

/** A context of resources, as org.crac's compatibility layer reaches it by reflection. */
public abstract class Context<R extends Resource> implements Resource {
    @Override
    public abstract void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException;

    @Override
    public abstract void afterRestore(Context<? extends Resource> context) throws RestoreException;

    public abstract void register(R resource);
}
