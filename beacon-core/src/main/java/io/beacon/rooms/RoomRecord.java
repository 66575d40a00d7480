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

    /**
     * The rule of one update for one member, shared by every store: the member after {@code update},
     * given the member before ({@code null}: not in the room). Returns {@code old} itself when nothing
     * changes and {@code null} when the member leaves; a member who joins gets {@code newSeq}.
     * {@link RoomUpdate.RemoveNode} is not handled here: see {@link #withoutNode}.
     */
    public static RoomMember memberAfter(RoomMember old, RoomUpdate update, long newSeq) {
        return switch (update) {
            case RoomUpdate.Join j -> {
                if (old == null) {
                    yield new RoomMember(j.userId(), newSeq, j.blocks(), List.of(j.session()));
                }
                RoomMember m = old.withSession(j.session());
                if (!m.blocks().equals(j.blocks())) {
                    m = m.withBlocks(j.blocks());
                }
                yield m.equals(old) ? old : m;
            }
            case RoomUpdate.Leave l -> old == null ? null : old.withoutSession(l.sessionId());
            case RoomUpdate.SetMeta sm -> {
                RoomSession s = old == null ? null : old.session(sm.sessionId());
                yield s == null || s.meta().equals(sm.meta()) ? old : old.withSession(s.withMeta(sm.meta()));
            }
            case RoomUpdate.SetBlocks sb -> old == null || old.blocks().equals(sb.blocks()) ? old : old.withBlocks(sb.blocks());
            case RoomUpdate.RemoveNode rn -> throw new IllegalArgumentException("RemoveNode applies to every member: use withoutNode");
        };
    }

    /** The member without its sessions held by {@code nodeId}: {@code m} itself when it had none, {@code null} when none is left. */
    public static RoomMember withoutNode(RoomMember m, String nodeId) {
        RoomMember out = m;
        for (RoomSession s : m.sessions()) {
            if (s.nodeId().equals(nodeId)) {
                out = out == null ? null : out.withoutSession(s.sessionId());
            }
        }
        return out;
    }

    /** Applies one update atomically (for the caller's lock) and describes what changed. */
    public RoomChange apply(RoomUpdate update, long nowMillis) {
        List<RoomMember> upserted = new ArrayList<>(1);
        List<String> removed = new ArrayList<>(1);
        switch (update) {
            case RoomUpdate.RemoveNode rn -> {
                for (RoomMember old : List.copyOf(bySeq.values())) {
                    RoomMember m = withoutNode(old, rn.nodeId());
                    if (m == null) {
                        remove(old, removed);
                    } else {
                        put(old, m, upserted);
                    }
                }
            }
            case RoomUpdate.Join j when !byUser.containsKey(j.userId()) && byUser.size() >= j.maxMembers() -> {
                return RoomChange.none(room, RoomChange.Outcome.ROOM_FULL, version, count());
            }
            default -> {
                String userId = RoomUpdate.member(update);
                RoomMember old = byUser.get(userId);
                RoomMember m = memberAfter(old, update, nextSeq + 1);
                if (m == null) {
                    if (old != null) {
                        remove(old, removed);
                    }
                } else if (m != old) {
                    if (old == null) {
                        nextSeq++;
                    }
                    put(old, m, upserted);
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
