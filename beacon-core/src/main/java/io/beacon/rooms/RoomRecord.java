package io.beacon.rooms;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A room as a store keeps it, and the rules of every {@link RoomUpdate} in one place, so that every
 * {@link io.beacon.presence.PresenceStore} computes the same change. Mutable and not thread-safe: the
 * store serializes the updates and reads of one room. A change costs O(log n) in the room's size, not
 * O(n): a join storm into a big room stays linear.
 *
 * <p>Versions grow strictly: {@code max(previous + 1, now in epoch ms)}, so they keep growing after a
 * restart that lost the room and a client holding an old version never drops fresh news. A store that
 * forgets an emptied room starts the next record of that id from a floor at least as high as any
 * version it issued ({@link #RoomRecord(String, long)}), so versions never go back, and neither do the
 * members' {@code seq} (a paging cursor stays valid).
 */
public final class RoomRecord {
    private final String room;
    private final TreeMap<Long, RoomMember> bySeq = new TreeMap<>();
    private final Map<String, RoomMember> byUser = new HashMap<>();
    private long version;
    private long nextSeq;

    public RoomRecord(String room) {
        this(room, 0);
    }

    /** A new room whose versions and member seqs start above {@code floor}. */
    public RoomRecord(String room, long floor) {
        this.room = Objects.requireNonNull(room, "room");
        if (floor < 0) {
            throw new IllegalArgumentException("floor must be >= 0, was " + floor);
        }
        this.version = floor;
        this.nextSeq = floor;
    }

    public String room() {
        return room;
    }

    public long version() {
        return version;
    }

    public int count() {
        return byUser.size();
    }

    public boolean isEmpty() {
        return byUser.isEmpty();
    }

    /** The highest member seq issued in this room. */
    public long maxSeq() {
        return nextSeq;
    }

    /** Applies one update atomically (for the caller's lock) and describes what changed. */
    public RoomChange apply(RoomUpdate update, long nowMillis) {
        List<RoomMember> upserted = new ArrayList<>(1);
        List<String> removed = new ArrayList<>(1);
        switch (update) {
            case RoomUpdate.Join j -> {
                RoomMember old = byUser.get(j.userId());
                RoomMember m;
                if (old == null) {
                    if (byUser.size() >= j.maxMembers()) {
                        return RoomChange.none(room, RoomChange.Outcome.ROOM_FULL, version, count());
                    }
                    m = new RoomMember(j.userId(), ++nextSeq, j.blocks(), List.of(j.session()));
                } else {
                    m = old.withSession(j.session());
                    if (!m.blocks().equals(j.blocks())) {
                        m = m.withBlocks(j.blocks());
                    }
                }
                put(old, m, upserted);
            }
            case RoomUpdate.Leave l -> {
                RoomMember old = byUser.get(l.userId());
                if (old != null) {
                    RoomMember m = old.withoutSession(l.sessionId());
                    if (m == null) {
                        remove(old, removed);
                    } else {
                        put(old, m, upserted);
                    }
                }
            }
            case RoomUpdate.SetMeta sm -> {
                RoomMember old = byUser.get(sm.userId());
                RoomSession s = old == null ? null : old.session(sm.sessionId());
                if (s != null && !s.meta().equals(sm.meta())) {
                    put(old, old.withSession(s.withMeta(sm.meta())), upserted);
                }
            }
            case RoomUpdate.SetBlocks sb -> {
                RoomMember old = byUser.get(sb.userId());
                if (old != null) {
                    put(old, old.withBlocks(sb.blocks()), upserted);
                }
            }
            case RoomUpdate.RemoveNode rn -> {
                for (RoomMember old : List.copyOf(bySeq.values())) {
                    RoomMember m = old;
                    for (RoomSession s : old.sessions()) {
                        if (s.nodeId().equals(rn.nodeId())) {
                            m = m == null ? null : m.withoutSession(s.sessionId());
                        }
                    }
                    if (m == null) {
                        remove(old, removed);
                    } else {
                        put(old, m, upserted);
                    }
                }
            }
        }
        if (upserted.isEmpty() && removed.isEmpty()) {
            return RoomChange.none(room, RoomChange.Outcome.UNCHANGED, version, count());
        }
        long since = version;
        version = Math.max(version + 1, nowMillis);
        return new RoomChange(room, RoomChange.Outcome.CHANGED, since, version, count(), upserted, removed);
    }

    private void put(RoomMember old, RoomMember m, List<RoomMember> upserted) {
        if (m.equals(old)) {
            return;
        }
        byUser.put(m.userId(), m);
        bySeq.put(m.seq(), m);
        upserted.add(m);
    }

    private void remove(RoomMember old, List<String> removed) {
        byUser.remove(old.userId());
        bySeq.remove(old.seq());
        removed.add(old.userId());
    }

    /** Every member, in join order. */
    public RoomState state() {
        return new RoomState(room, version, new ArrayList<>(bySeq.values()));
    }

    /** Up to {@code limit} members after {@code afterSeq} (0: from the start), in join order. */
    public RoomPage page(long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        List<RoomMember> out = new ArrayList<>(Math.min(limit, byUser.size()));
        Iterator<RoomMember> it = bySeq.tailMap(afterSeq, false).values().iterator();
        while (it.hasNext() && out.size() < limit) {
            out.add(it.next());
        }
        long next = it.hasNext() ? out.get(out.size() - 1).seq() : 0;
        return new RoomPage(room, version, count(), out, next);
    }
}
