package io.wanvideo.gateway.store;

import java.util.Map;

/** Slots taken per account, in one pool. */
public record SlotCounts(Map<String, Integer> byAccount) {
    public int of(String account) {
        return byAccount.getOrDefault(account, 0);
    }

    public int total() {
        return byAccount.values().stream().mapToInt(Integer::intValue).sum();
    }
}
