package io.beacon.presence;

import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where the sessions of every user and the resulting presence live, and who is in which room: in
 * memory on one node ({@link InMemoryPresenceStore}), in Redis when several nodes share users.
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
 *   <li>{@link #updateRoom} applies one {@link RoomUpdate} to a room atomically, with the rules of
 *       {@link io.beacon.rooms.RoomRecord#apply}: the room's version grows strictly, and only when it
 *       changed; the change names the version it started from, so a reader can tell a missed change.
 *       A join over the room's member limit changes nothing and says so. A room whose last member
 *       left may be forgotten, but its versions never go back: when it fills again, its first change
 *       starts above every version it had (and member seqs above every seq).</li>
 *   <li>{@link #room} and {@link #roomMembers} read a room consistently at one version: members in
 *       the order they first joined, paged by that order.</li>
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

    /** Applies {@code update} to {@code room}. {@code nowMillis} is wall-clock epoch ms. */
    CompletableFuture<RoomChange> updateRoom(String room, RoomUpdate update, long nowMillis);

    /** The whole room; version 0 and no members for a room nobody is in. */
    CompletableFuture<RoomState> room(String room);

    /** Up to {@code limit} members after the member with seq {@code afterSeq} (0: the first page). */
    CompletableFuture<RoomPage> roomMembers(String room, long afterSeq, int limit);

    /**
     * Node {@code nodeId} holds no session in {@code room} any more, and the store has every leave: a
     * store that indexes each node's rooms (to clean up after a node that dies) may drop the room from
     * the node's index. The node calls it only after its last local membership of the room is gone, so
     * a later join of the same node is sent after it. Stores without such an index do nothing.
     */
    default void nodeLeftRoom(String room, String nodeId) {
    }

    @Override
    default void close() {
    }
}
