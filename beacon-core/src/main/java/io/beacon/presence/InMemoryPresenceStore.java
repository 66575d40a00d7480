package io.beacon.presence;

import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomRecord;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link PresenceStore}: one map on this node; every future is complete on return.
 * Records of users who went offline stay (a few hundred bytes each) so their last seen and version
 * survive until the process ends. Rooms are forgotten when their last member leaves.
 */
public final class InMemoryPresenceStore implements PresenceStore {
    private final ConcurrentHashMap<String, UserRecord> records = new ConcurrentHashMap<>();
    /** Rooms with at least one member; a record is mutated only inside the map's atomic compute. */
    private final ConcurrentHashMap<String, RoomRecord> rooms = new ConcurrentHashMap<>();
    /**
     * The highest room version (and member seq) issued: a room forgotten when it emptied starts again
     * above it, so nobody holding the old room's version drops the new room's changes as old.
     */
    private final java.util.concurrent.atomic.AtomicLong roomFloor = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public CompletableFuture<PresenceChange> update(String userId, PresenceUpdate update, long nowMillis) {
        PresenceChange[] change = new PresenceChange[1];
        records.compute(userId, (id, old) -> {
            UserRecord before = old == null ? UserRecord.empty(id) : old;
            UserRecord after = Aggregation.apply(before, update, nowMillis);
            change[0] = new PresenceChange(before.presence(), after.presence());
            return after;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    @Override
    public CompletableFuture<Presence> get(String userId) {
        UserRecord r = records.get(userId);
        return CompletableFuture.completedFuture(r == null ? Presence.unknown(userId) : r.presence());
    }

    @Override
    public CompletableFuture<Map<String, Presence>> getAll(Collection<String> userIds) {
        Map<String, Presence> out = new HashMap<>(userIds.size() * 2);
        for (String id : userIds) {
            UserRecord r = records.get(id);
            out.put(id, r == null ? Presence.unknown(id) : r.presence());
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Map<String, SessionRecord>> sessions(String userId) {
        UserRecord r = records.get(userId);
        return CompletableFuture.completedFuture(r == null ? Map.of() : r.sessions());
    }

    @Override
    public CompletableFuture<RoomChange> updateRoom(String room, RoomUpdate update, long nowMillis) {
        RoomChange[] change = new RoomChange[1];
        rooms.compute(room, (id, r) -> {
            RoomRecord record = r == null ? new RoomRecord(id, roomFloor.get()) : r;
            change[0] = record.apply(update, nowMillis);
            roomFloor.accumulateAndGet(Math.max(change[0].version(), record.maxSeq()), Math::max);
            return record.isEmpty() ? null : record;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    @Override
    public CompletableFuture<RoomState> room(String room) {
        RoomState[] state = {RoomState.empty(room)};
        rooms.computeIfPresent(room, (id, r) -> {
            state[0] = r.state();
            return r;
        });
        return CompletableFuture.completedFuture(state[0]);
    }

    @Override
    public CompletableFuture<RoomPage> roomMembers(String room, long afterSeq, int limit) {
        RoomPage[] page = {new RoomPage(room, 0, 0, java.util.List.of(), 0)};
        rooms.computeIfPresent(room, (id, r) -> {
            page[0] = r.page(afterSeq, limit);
            return r;
        });
        return CompletableFuture.completedFuture(page[0]);
    }
}
