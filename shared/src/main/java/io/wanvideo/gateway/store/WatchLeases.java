package io.wanvideo.gateway.store;

import java.util.Optional;

/**
 * Who watches each upstream account's tasks: one lease per account, so that exactly one completion-watcher chain
 * runs for it. A chain holds the lease under an owner token; each turn of the chain is a version of the lease, and
 * the queue message that carries a turn names that version, so a duplicated message finds the lease moved on and
 * dies. A lease whose chain was lost (a message never sent) expires, and the next starter takes it over. The same
 * item says whether the watcher is turned off for the account, and until when.
 */
public interface WatchLeases {
    /**
     * One account's lease as stored.
     *
     * @param owner         the chain holding it; null when no chain does
     * @param nextMs        when the holder's next listing is due
     * @param expiresMs     after this the lease is free for a new chain
     * @param failures      listings in a row that failed
     * @param missingRounds listings in a row that left out a task that should have been in them
     * @param offUntilMs    the watcher is off for the account until then (null: on)
     * @param offReason     why it was turned off
     */
    record Lease(String account, String owner, long version, long nextMs, long expiresMs, int failures, int missingRounds,
            Long offUntilMs, String offReason) {

        public boolean off(long nowMs) {
            return offUntilMs != null && offUntilMs > nowMs;
        }

        /** Held by a chain that has not lapsed. */
        public boolean live(long nowMs) {
            return owner != null && expiresMs > nowMs;
        }

        public boolean heldBy(String owner, long version) {
            return this.owner != null && this.owner.equals(owner) && this.version == version;
        }
    }

    /** Strongly consistent. */
    Optional<Lease> read(String account);

    /**
     * Starts a chain under {@code owner}, at version 1 with its first listing due at {@code nextMs}, unless a live
     * chain holds the lease or the watcher is off for the account.
     *
     * @return the lease, if this call took it
     */
    Optional<Lease> start(String account, String owner, long nowMs, long nextMs, long expiresMs);

    /**
     * Passes the turn on: the next version, due at {@code nextMs}, if {@code held} is still the current turn.
     *
     * @return the next turn, if this call passed it on (empty: a duplicate or a newer chain holds the lease)
     */
    Optional<Lease> handOver(Lease held, long nextMs, long expiresMs, int failures, int missingRounds);

    /** Ends the chain (nothing left to watch) if {@code held} is still the current turn; false otherwise. */
    boolean release(Lease held);

    /** Turns the watcher off for the account until {@code untilMs}, ending whatever chain holds its lease. */
    void turnOff(String account, String reason, long nowMs, long untilMs);
}
