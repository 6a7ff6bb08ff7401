package io.wanvideo.local.snapstart;

import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the SnapStart runtime's hooks, for this machine: what Lambda's runtime does around a snapshot
 * (com.amazonaws.services.lambda.crac), reached the way Lambda reaches it. A JVM started with
 * {@code -Dorg.crac.Core.Compat=io.wanvideo.local.snapstart} has every {@code org.crac} registration land here;
 * {@link #checkpoint()} then runs the before-checkpoint hooks as Lambda does when it publishes a version (latest
 * registration first, then a GC), and {@link #restore()} the after-restore hooks (first registration first), as
 * Lambda does when it resumes a copy of the snapshot. Used by the cold-start benchmark and by ./run-local, which
 * primes the functions the same way before it reports ready.
 */
public final class Core {
    private static final GlobalContext GLOBAL = new GlobalContext();

    private Core() {}

    /** Called by org.crac's compatibility layer. */
    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /** Called by org.crac's compatibility layer; a checkpoint is taken by {@link #checkpoint()} instead. */
    public static void checkpointRestore() throws CheckpointException, RestoreException {
        checkpoint();
        restore();
    }

    /** Runs every before-checkpoint hook, latest registration first. */
    public static void checkpoint() throws CheckpointException {
        GLOBAL.beforeCheckpoint(null);
    }

    /** Runs every after-restore hook, first registration first. */
    public static void restore() throws RestoreException {
        GLOBAL.afterRestore(null);
    }

    /** How many resources are registered. */
    public static int registered() {
        return GLOBAL.resources().size();
    }

    private static final class GlobalContext extends Context<Resource> {
        /** Held strongly, unlike Lambda's runtime (a weak map): the functions must hold their own hooks anyway. */
        private final List<Resource> resources = new ArrayList<>();

        synchronized List<Resource> resources() {
            return List.copyOf(resources);
        }

        @Override
        public synchronized void register(Resource resource) {
            resources.add(resource);
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
            List<Resource> latestFirst = new ArrayList<>(resources());
            java.util.Collections.reverse(latestFirst);
            CheckpointException failed = new CheckpointException();
            for (Resource resource : latestFirst) {
                try {
                    resource.beforeCheckpoint(this);
                } catch (Exception e) {
                    failed.addSuppressed(e);
                }
            }
            if (failed.getSuppressed().length > 0) {
                throw failed;
            }
            System.gc();
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws RestoreException {
            RestoreException failed = new RestoreException();
            for (Resource resource : resources()) {
                try {
                    resource.afterRestore(this);
                } catch (Exception e) {
                    failed.addSuppressed(e);
                }
            }
            if (failed.getSuppressed().length > 0) {
                throw failed;
            }
        }
    }
}
