package io.beacon.presence;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the sessions of every user and the resulting presence live: in memory on one node
 * ({@link InMemoryPresenceStore}), in Redis when several nodes share users.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #update} applies one {@link PresenceUpdate} to a user's record atomically, with
 *       {@link Aggregation#apply}, and returns the presence before and after. The version grows
 *       strictly, and only when the presence changed; concurrent updates of one user from several
 *       nodes are serialized, never lost.</li>
 *   <li>{@link #get} and {@link #getAll} return the stored presence, or {@link Presence#unknown} for a
 *       user the store does not know. They never block the caller: results arrive through the future.</li>
 *   <li>Heartbeats never reach a store: a session's record holds only what changes rarely.</li>
 *   <li>Futures may complete on any thread (for the in-memory store, before the method returns).</li>
 * </ul>
 */
public interface PresenceStore extends AutoCloseable {

    /** Applies {@code update} to {@code userId}'s record. {@code nowMillis} is wall-clock epoch ms. */
    CompletableFuture<PresenceChange> update(String userId, PresenceUpdate update, long nowMillis);

    CompletableFuture<Presence> get(String userId);

    /** Presences for the ids, in no particular order, one entry per distinct id. */
    CompletableFuture<Map<String, Presence>> getAll(Collection<String> userIds);

    /** The session records of a user (live or inside the offline grace). */
    CompletableFuture<Map<String, SessionRecord>> sessions(String userId);

    @Override
    default void close() {
    }
}
