package io.wanvideo.gateway.store;

import java.util.Collection;
import java.util.Map;

/**
 * Which upstream accounts are paused, shared by every poller: an account whose key the upstream refuses gets no
 * new work until a probe shows the key works again.
 */
public interface AccountStates {
    /** Strongly consistent; accounts never paused are absent. */
    Map<String, AccountStatus> read(Collection<String> accounts);

    /** Pauses the account (keeping the time it was first paused) and sets when to probe it next. */
    void pause(String account, String reason, long nowMs, long probeAfterMs);

    void resume(String account);

    /**
     * Records the slots each account has in a pool, as the poller's configuration says: the read-only functions,
     * which do not read that configuration, show their total in the model catalogue and each account in the
     * operator's statistics.
     */
    void recordCapacity(String pool, Map<String, Integer> slotsByAccount);

    /** The pool's slots over all accounts as last recorded, if ever. */
    java.util.Optional<Integer> capacity(String pool);

    /** The pool's slots per account as last recorded, in the configuration's order; empty if never recorded. */
    Map<String, Integer> accountSlots(String pool);

    /** @param paused whether dispatch to the account is paused; the rest says why and when to look again */
    record AccountStatus(String account, boolean paused, String reason, Long pausedSinceMs, Long probeAfterMs) {}
}
