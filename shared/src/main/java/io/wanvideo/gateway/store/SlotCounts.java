package io.wanvideo.gateway.store;

import java.util.Map;
import java.util.Set;

/**
 * Slots taken per account in one pool, and which of those accounts are paused ({@link AccountStates}): read
 * together, in one strongly consistent read, as every choice of an account for a task needs both.
 */
public record SlotCounts(Map<String, Integer> byAccount, Set<String> paused) {
    public SlotCounts {
        byAccount = Map.copyOf(byAccount);
        paused = Set.copyOf(paused);
    }

    public int of(String account) {
        return byAccount.getOrDefault(account, 0);
    }

    public int total() {
        return byAccount.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether the account takes no new work for now. */
    public boolean paused(String account) {
        return paused.contains(account);
    }
}
