package io.beacon.engine;

import java.util.ArrayList;
import java.util.List;

/** A user with at least one session on this node. Engine-thread confined. */
final class LocalUser {
    final String userId;
    final List<Session> sessions = new ArrayList<>(2);
    /**
     * Completes once the durable inputs (manual status, custom status, last seen) were seeded into the
     * presence store; every session's first record waits for it. {@code null} until the first session.
     */
    java.util.concurrent.CompletableFuture<Void> seeded;
    /** Sessions in the live state (not lingering). */
    int liveSessions;
    /**
     * Grows each time the user's privacy rules change: a room join that loaded the rules before a change
     * and stored them after it sees the number moved and stores them again.
     */
    int rulesEpoch;
    /** This node's subscription to the user's control channel (backend disconnects, settings changes). */
    io.beacon.bus.BusSubscription control;

    LocalUser(String userId) {
        this.userId = userId;
    }
}
