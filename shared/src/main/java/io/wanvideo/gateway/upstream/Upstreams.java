package io.wanvideo.gateway.upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every upstream account the gateway may use, by name. A task takes a slot on any of them and remembers which;
 * its polls and cancels go back to that one.
 */
public final class Upstreams {
    private final Map<String, VideoUpstream> byName = new LinkedHashMap<>();

    public Upstreams(List<? extends VideoUpstream> accounts) {
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream account is needed");
        }
        for (VideoUpstream account : accounts) {
            if (byName.put(account.account(), account) != null) {
                throw new IllegalArgumentException("two upstream accounts are named " + account.account());
            }
        }
    }

    public static Upstreams of(VideoUpstream... accounts) {
        return new Upstreams(List.of(accounts));
    }

    public List<VideoUpstream> all() {
        return List.copyOf(byName.values());
    }

    public Optional<VideoUpstream> find(String account) {
        return Optional.ofNullable(account == null ? null : byName.get(account));
    }

    /** The account a task was created on; an account removed from the configuration is an error to fix. */
    public VideoUpstream get(String account) {
        return find(account).orElseThrow(() -> new IllegalStateException("upstream account '" + account
                + "' is not configured any more, but tasks still use it"));
    }

    /** Slots of a pool across every account. */
    public int totalSlots() {
        return byName.values().stream().mapToInt(a -> a.limits().slotsPerPool()).sum();
    }
}
