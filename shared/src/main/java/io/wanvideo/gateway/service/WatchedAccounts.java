package io.wanvideo.gateway.service;

import io.wanvideo.gateway.queue.TaskMessage;
import io.wanvideo.gateway.queue.TaskQueue;
import io.wanvideo.gateway.store.WatchLeases;
import io.wanvideo.gateway.store.WatchLeases.Lease;
import io.wanvideo.gateway.upstream.Upstreams;
import io.wanvideo.gateway.upstream.VideoUpstream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which upstream accounts the completion watcher covers, as every poller instance sees it: cheaply (an instance
 * trusts what it read of an account's lease for {@link #STATE_CACHE}), since the poll plan of each task asks. Also
 * where a watcher chain is started: one conditional write that only succeeds when no live chain holds the account.
 */
final class WatchedAccounts {
    private static final Logger LOG = LogManager.getLogger(WatchedAccounts.class);
    /** How long an instance trusts what it read of an account's watcher state. */
    static final Duration STATE_CACHE = Duration.ofSeconds(5);
    /** A lapsed chain's lease is free again this long after its turn's session could have ended. */
    static final Duration LEASE_GRACE = Duration.ofSeconds(30);

    private final WatchLeases leases;
    private final WatchSettings settings;
    private final Upstreams upstreams;
    private final TaskQueue queue;
    private final Clock clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(Lease lease, long atMs) {}

    WatchedAccounts(CompletionWatcher.Setup setup, Upstreams upstreams, TaskQueue queue, Clock clock) {
        this.leases = setup.leases();
        this.settings = setup.settings();
        this.upstreams = upstreams;
        this.queue = queue;
        this.clock = clock;
    }

    WatchSettings settings() {
        return settings;
    }

    WatchLeases leases() {
        return leases;
    }

    /** Whether the account's watcher is on: its tasks' own polls then follow the sparse safety-net plan. */
    boolean watched(String account) {
        if (!settings.enabled() || leases == null) {
            return false;
        }
        VideoUpstream upstream = upstreams.find(account).orElse(null);
        if (upstream == null || !upstream.listsTasks()) {
            return false;
        }
        long now = clock.millis();
        Seen s = seen.get(account);
        if (s == null || now - s.atMs() > STATE_CACHE.toMillis()) {
            s = new Seen(leases.read(account).orElse(null), now);
            seen.put(account, s);
        }
        return s.lease() == null || !s.lease().off(now);
    }

    /**
     * Makes sure a chain watches the account: starts one, with its first listing {@code firstListingMs} from now,
     * unless a live chain holds the lease or the watcher is off for the account. Never throws: a chain that could not
     * be started is started by the next task to run or by the sweep, and meanwhile the safety net polls.
     */
    void ensureWatching(String account, long firstListingMs) {
        try {
            if (!watched(account)) {
                return;
            }
            long now = clock.millis();
            int delay = queueDelaySeconds(firstListingMs);
            long next = now + delay * 1000L;
            String owner = UUID.randomUUID().toString();
            Lease lease = leases.start(account, owner, now, next, next + settings.session().toMillis() + LEASE_GRACE.toMillis())
                    .orElse(null);
            if (lease == null) {
                return;
            }
            seen.put(account, new Seen(lease, now));
            LOG.info("completion watcher for account {} started; first listing in {} ms", account, next - now);
            queue.send(TaskMessage.watch(account, owner, lease.version()), delay);
        } catch (RuntimeException e) {
            LOG.warn("completion watcher for account {} could not be started ({}); the sweep tries again", account, e.toString());
        }
    }

    /** This instance's view of the account is out of date (the watcher was just turned off or ended). */
    void forget(String account) {
        seen.remove(account);
    }

    /**
     * The queue delay for a turn due in {@code ms}: SQS delays are whole seconds, so the turn comes up to half a second
     * early or late. Waiting out the fraction instead would keep an invocation idle for half a second a turn on
     * average, several times the Lambda time of the turns themselves, to gain a few hundredths of a second of delay.
     */
    static int queueDelaySeconds(long ms) {
        return (int) Math.max(0, Math.min(900, Math.round(ms / 1000.0)));
    }
}
