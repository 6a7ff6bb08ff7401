package io.wanvideo.gateway.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;

/**
 * The narrow seam to the object store that keeps result videos and offloaded inputs. Keys are the caller's
 * ({@link ObjectKeys} has the layout); the store never names an SDK type. Every failure is an
 * {@link ObjectStoreException} that says whether trying again may help.
 */
public interface ObjectStore {

    /** Stores {@code bytes} under {@code key}, replacing what was there. */
    void put(String key, byte[] bytes, String contentType);

    /**
     * Streams an HTTP(S) resource into the store under {@code key}, replacing what was there, without holding
     * it in memory whole. Either the whole object lands or nothing does. The download and the upload together
     * get {@code limit}; a copy cut off by it is given a few more seconds to abort its upload.
     *
     * @return what was stored; its content type is the source's
     * @throws ObjectStoreException permanent when the source refuses for good (404, 410, 401, 403: an expired or
     *         unsigned URL; another 4xx; not an HTTP URL), transient on a timeout, a 408, 429 or 5xx, a broken
     *         connection or a store that is unavailable
     */
    StoredObject copyFrom(URI source, String key, Duration limit);

    /**
     * A URL that lets whoever holds it GET the object until it expires, with no other credentials.
     *
     * @param ttl at most 7 days; a URL signed with temporary credentials (a Lambda role's) also stops
     *            working when they expire, whichever comes first
     */
    PresignedUrl presignGet(String key, Duration ttl);

    /** Removes the objects; keys that are not there are fine. */
    void delete(Collection<String> keys);

    boolean exists(String key);
}
