package io.wanvideo.gateway.service;

import io.wanvideo.gateway.model.MediaItem;
import io.wanvideo.gateway.model.VideoSpec;
import io.wanvideo.gateway.model.VideoTask;
import io.wanvideo.gateway.storage.ObjectKeys;
import io.wanvideo.gateway.storage.ObjectStore;
import io.wanvideo.gateway.storage.ObjectStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A task's objects in the gateway's storage: inline inputs moved out of the request at submission (the task item
 * keeps a key), linked to the upstream when the task is dispatched, removed when it ends; and the result copy,
 * linked to clients when they ask, removed with the task.
 */
public final class MediaStorage implements StoredInputs, InputLinks, TaskObjects, ResultLinks {
    private static final Logger LOG = LogManager.getLogger(MediaStorage.class);

    private final ObjectStore store;
    private final Duration inputLinkLifetime;
    private final Duration resultLinkLifetime;

    /**
     * @param inputLinkLifetime  how long the upstream has to fetch an input once dispatched
     * @param resultLinkLifetime how long a client's link to a result works
     */
    public MediaStorage(ObjectStore store, Duration inputLinkLifetime, Duration resultLinkLifetime) {
        this.store = store;
        this.inputLinkLifetime = inputLinkLifetime;
        this.resultLinkLifetime = resultLinkLifetime;
    }

    /** The store itself, for the result copy. */
    public ObjectStore store() {
        return store;
    }

    @Override
    public VideoSpec store(String taskId, VideoSpec spec) {
        List<MediaItem> media = new ArrayList<>();
        List<String> stored = new ArrayList<>();
        try {
            for (int i = 0; i < spec.media().size(); i++) {
                MediaItem item = spec.media().get(i);
                if (item.url() != null && item.url().regionMatches(true, 0, "data:", 0, 5)) {
                    int comma = item.url().indexOf(',');
                    String type = item.url().substring(5, item.url().indexOf(';')).toLowerCase(Locale.ROOT);
                    byte[] bytes = Base64.getDecoder().decode(item.url().substring(comma + 1));
                    String key = ObjectKeys.input(taskId, i, ObjectKeys.extensionFor(type));
                    store.put(key, bytes, type);
                    stored.add(key);
                    media.add(item.stored(key));
                } else {
                    media.add(item);
                }
            }
        } catch (RuntimeException e) {
            store.delete(stored);
            throw e;
        }
        return spec.withMedia(media);
    }

    @Override
    public void discard(VideoSpec spec) {
        List<String> keys = inputKeys(spec);
        if (!keys.isEmpty()) {
            store.delete(keys);
        }
    }

    @Override
    public VideoSpec resolve(VideoSpec spec) {
        if (spec.media().stream().allMatch(m -> m.inputKey() == null)) {
            return spec;
        }
        return spec.withMedia(spec.media().stream().map(m -> m.inputKey() == null ? m
                : new MediaItem(m.type(), store.presignGet(m.inputKey(), inputLinkLifetime).url().toString(),
                        m.referenceVoice())).toList());
    }

    @Override
    public String link(String key) {
        return store.presignGet(key, resultLinkLifetime).url().toString();
    }

    @Override
    public void deleteInputs(VideoTask task) {
        List<String> keys = inputKeys(task.spec());
        if (keys.isEmpty()) {
            return;
        }
        try {
            store.delete(keys);
        } catch (ObjectStoreException e) {
            // The bucket's lifecycle rule removes inputs left behind; nothing depends on them any more.
            LOG.warn("task {}: its inputs could not be removed now ({}); the bucket's lifecycle rule will", task.id(),
                    e.getMessage());
        }
    }

    @Override
    public void deleteAll(VideoTask task) {
        List<String> keys = new ArrayList<>(inputKeys(task.spec()));
        if (task.result() != null && task.result().key() != null) {
            keys.add(task.result().key());
        }
        // A copy that may still land after the record is gone lands under the same key; remove that too.
        keys.add(ObjectKeys.result(task.id()));
        store.delete(keys);
    }

    private static List<String> inputKeys(VideoSpec spec) {
        return spec.media().stream().map(MediaItem::inputKey).filter(k -> k != null).toList();
    }
}
