package io.beacon.engine;

import io.beacon.bus.BusMessage;
import io.beacon.bus.BusSubscription;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ServerMessage;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomState;
import io.beacon.time.Timeout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One room as this node sees it, while local sessions are in it: a mirror of the whole room kept in
 * step with the store's changes, the local members who receive its diffs and signals, and what they
 * were last sent. Engine-thread confined.
 *
 * <p><b>What members are shown.</b> Every viewer is shown the first {@code room_large_threshold}
 * members in join order (all of them in a small room) and the member count. A diff is computed by
 * comparing that window as last sent with the window now, so it says where the list ends up, whatever
 * happened in between: changes are coalesced for free, a node that missed a change simply reloads the
 * room, and a diff never grows with the room beyond the window.
 *
 * <p><b>One version for every recipient.</b> All local recipients hold the version last sent
 * ({@link #sentVersion}): a new member's snapshot is the window as last sent (with the count of now),
 * and every diff goes from {@code sentVersion} to the mirror's version. So one encoded diff serves
 * every recipient, except the few a member's blocks hide something from.
 *
 * <p><b>When diffs leave.</b> A small room sends once the engine's current work is done (changes that
 * arrive together leave together); a large room at most once per {@code room_batch_interval}, the first
 * change after a quiet spell at once.
 */
final class LocalRoom {
    final String id;
    private final Rooms rooms;
    BusSubscription subscription;
    boolean closed;
    /** Local memberships in any state; the room closes when the last one is gone. */
    int holders;

    // the mirror of the whole room
    private final TreeMap<Long, RoomMember> bySeq = new TreeMap<>();
    private final Map<String, RoomMember> byUser = new HashMap<>();
    /** For each viewer some member blocks: how many members do (their count is smaller). */
    private final Map<String, Integer> blockedBy = new HashMap<>();
    long version;
    private CompletableFuture<RoomState> loading;
    private List<RoomChange> buffered;
    private List<Runnable> whenReady;

    // what the recipients hold
    final Set<Session> recipients = new CompactSet<>();
    private List<RoomMember> sentWindow = List.of();
    private long sentVersion;
    private int sentCount;
    private boolean sentLarge;
    private Map<String, Integer> sentBlockedBy = Map.of();
    /**
     * Recipients who were sent nothing by the last diffs because nothing they may see changed (a blocked
     * viewer must not even learn that something happened), with the version they hold.
     */
    private final Map<Session, Long> lagging = new HashMap<>();

    private boolean dirty;
    private boolean flushQueued;
    private long lastFlushNanos;
    private final FlushTimer flushTimer = new FlushTimer();

    // meta coalescing of local members
    private final List<RoomMembership> metaQueue = new ArrayList<>(2);
    private final MetaTimer metaTimer = new MetaTimer();

    // who is typing, as this node heard it
    private final Map<String, TypingTimer> typing = new HashMap<>();

    LocalRoom(String id, Rooms rooms, long nowNanos) {
        this.id = id;
        this.rooms = rooms;
        this.lastFlushNanos = nowNanos - rooms.batchNanos;
    }

    boolean ready() {
        return loading == null;
    }

    int count() {
        return byUser.size();
    }

    boolean large() {
        return byUser.size() > rooms.threshold;
    }

    RoomMember member(String userId) {
        return byUser.get(userId);
    }

    /** Runs {@code task} once the mirror is loaded (at once when it is). */
    void whenReady(Runnable task) {
        if (loading == null) {
            task.run();
        } else {
            if (whenReady == null) {
                whenReady = new ArrayList<>(2);
            }
            whenReady.add(task);
        }
    }

    // ------------------------------------------------------------------ the mirror

    /** (Re)loads the whole room from the store; changes that arrive meanwhile wait for it. */
    void reload() {
        if (closed || loading != null) {
            return;
        }
        CompletableFuture<RoomState> load = rooms.store.room(id);
        loading = load;
        buffered = new ArrayList<>(2);
        rooms.engine.whenDone(load, state -> {
            if (loading == load) {
                loaded(state);
            }
        }, failure -> {
            rooms.log("could not load room " + id + "; retrying", failure);
            if (loading == load) {
                loading = null;
                reload();
            }
        });
    }

    private void loaded(RoomState state) {
        loading = null;
        if (closed) {
            return;
        }
        Map<String, RoomMember> before = new HashMap<>(byUser);
        bySeq.clear();
        byUser.clear();
        blockedBy.clear();
        for (RoomMember m : state.members()) {
            put(m);
        }
        version = state.version();
        for (RoomMember gone : before.values()) {
            if (!byUser.containsKey(gone.userId())) {
                stopTyping(gone);
            }
        }
        List<RoomChange> waiting = buffered;
        buffered = null;
        markDirty();
        if (recipients.isEmpty()) {
            flush(); // nobody to tell: the first joiner's snapshot starts from the room as loaded
        }
        for (RoomChange c : waiting) {
            apply(c);
        }
        List<Runnable> tasks = whenReady;
        whenReady = null;
        if (tasks != null) {
            for (Runnable t : tasks) {
                if (loading == null) {
                    t.run();
                } else {
                    whenReady(t); // a buffered change showed a gap: wait for the next load
                }
            }
        }
    }

    /** Applies a change of the room; one that skips a version this node did not see reloads the room. */
    void apply(RoomChange c) {
        if (closed) {
            return;
        }
        if (loading != null) {
            buffered.add(c);
            return;
        }
        if (!c.changed() || c.version() <= version) {
            return; // nothing, or seen already (the bus echo of a change this node applied when it stored it)
        }
        if (c.since() != version) {
            // a change this node never received: the store has it (and this one), so read the room again
            rooms.stats.roomReloads++;
            reload();
            return;
        }
        for (RoomMember m : c.upserted()) {
            put(m);
        }
        for (String userId : c.removed()) {
            RoomMember gone = remove(userId);
            if (gone != null) {
                stopTyping(gone);
            }
        }
        version = c.version();
        markDirty();
    }

    private void put(RoomMember m) {
        RoomMember old = byUser.put(m.userId(), m);
        if (old != null) {
            bySeq.remove(old.seq());
            countBlocks(old, -1);
        }
        bySeq.put(m.seq(), m);
        countBlocks(m, 1);
    }

    private RoomMember remove(String userId) {
        RoomMember old = byUser.remove(userId);
        if (old != null) {
            bySeq.remove(old.seq());
            countBlocks(old, -1);
        }
        return old;
    }

    private void countBlocks(RoomMember m, int delta) {
        for (String blocked : m.blocks()) {
            if (!blocked.equals(m.userId())) {
                blockedBy.merge(blocked, delta, (a, b) -> a + b == 0 ? null : a + b);
            }
        }
    }

    // ------------------------------------------------------------------ recipients and flushing

    void addRecipient(Session s) {
        recipients.add(s);
    }

    void removeRecipient(Session s) {
        recipients.remove(s);
        lagging.remove(s);
    }

    private void markDirty() {
        dirty = true;
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (flushQueued || flushTimer.isScheduled() || closed) {
            return;
        }
        long earliest = lastFlushNanos + rooms.batchNanos;
        if (large() && earliest - rooms.ticker.nanos() > 0) {
            rooms.wheel.schedule(flushTimer, earliest);
        } else {
            flushQueued = true;
            rooms.executor.execute(this::flushQueuedTask); // after the engine's current work: what arrives together leaves together
        }
    }

    private void flushQueuedTask() {
        flushQueued = false;
        flush();
    }

    /** Sends what changed since the last diff, now (a small room before a new member's snapshot). */
    void flush() {
        if (!dirty || loading != null || closed) {
            return;
        }
        dirty = false;
        int count = byUser.size();
        boolean large = count > rooms.threshold;
        List<RoomMember> window = window();

        ViewDiff all = viewDiff(null, window, count, large);
        boolean sharedChanged = all.changed();

        // viewers some member blocks get their own view; everyone else shares one frame
        boolean anyBlocks = !blockedBy.isEmpty() || !sentBlockedBy.isEmpty();
        Map<Session, ViewDiff> own = null;
        if (anyBlocks) {
            for (Session r : recipients) {
                String v = r.userId();
                if (blockedBy.containsKey(v) || sentBlockedBy.containsKey(v)) {
                    if (own == null) {
                        own = new HashMap<>();
                    }
                    own.put(r, viewDiff(v, window, count, large));
                }
            }
        }
        boolean ownChanged = false;
        if (own != null) {
            for (ViewDiff d : own.values()) {
                ownChanged |= d.changed();
            }
        }
        if (!sharedChanged && !ownChanged) {
            // equal to what was sent, as every viewer sees it
            sentWindow = window;
            sentBlockedBy = blockedBy.isEmpty() ? Map.of() : new HashMap<>(blockedBy);
            return;
        }
        ServerMessage shared = null;
        for (Session r : recipients) {
            ViewDiff d = own == null ? null : own.get(r);
            boolean changed = d != null ? d.changed() : sharedChanged;
            if (!changed) {
                lagging.putIfAbsent(r, sentVersion); // nothing to see: not even that something happened
                continue;
            }
            Long held = lagging.remove(r);
            long since = held == null ? sentVersion : held;
            ServerMessage m;
            if (d != null) {
                m = Messages.roomDiff(id, d.joins(), d.leaves(), d.updates(), d.count(), since, version, large);
            } else if (held != null) {
                m = Messages.roomDiff(id, all.joins(), all.leaves(), all.updates(), count, since, version, large);
            } else {
                if (shared == null) {
                    shared = Messages.roomDiff(id, all.joins(), all.leaves(), all.updates(), count, sentVersion, version, large);
                }
                m = shared;
            }
            r.send(m);
            rooms.stats.roomDiffs++;
        }
        sentWindow = window;
        sentVersion = version;
        sentCount = count;
        sentLarge = large;
        sentBlockedBy = blockedBy.isEmpty() ? Map.of() : new HashMap<>(blockedBy);
        lastFlushNanos = rooms.ticker.nanos();
    }

    private record ViewDiff(List<RoomMember> joins, List<String> leaves, List<RoomMember> updates, int count, boolean changed) {
    }

    /**
     * What changed for one viewer between the window as last sent and {@code window}, each without the
     * members who block the viewer ({@code null}: everyone, the diff most recipients share).
     */
    private ViewDiff viewDiff(String viewer, List<RoomMember> window, int count, boolean large) {
        Map<String, RoomMember> before = new HashMap<>(sentWindow.size() * 2);
        for (RoomMember m : sentWindow) {
            if (rooms.projection.showsRoomMember(viewer, m)) {
                before.put(m.userId(), m);
            }
        }
        List<RoomMember> joins = new ArrayList<>();
        List<RoomMember> updates = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        Set<String> now = new HashSet<>(window.size() * 2);
        for (RoomMember m : window) {
            if (!rooms.projection.showsRoomMember(viewer, m)) {
                continue;
            }
            now.add(m.userId());
            RoomMember old = before.get(m.userId());
            if (old == null) {
                joins.add(m);
            } else if (!sameView(old, m)) {
                updates.add(m);
            }
        }
        for (RoomMember old : sentWindow) {
            if (before.containsKey(old.userId()) && !now.contains(old.userId())) {
                leaves.add(old.userId());
            }
        }
        int viewCount = viewer == null ? count : count - blockedBy.getOrDefault(viewer, 0);
        int sentViewCount = viewer == null ? sentCount : sentCount - sentBlockedBy.getOrDefault(viewer, 0);
        boolean changed = !joins.isEmpty() || !leaves.isEmpty() || !updates.isEmpty() || viewCount != sentViewCount || large != sentLarge;
        return new ViewDiff(joins, leaves, updates, viewCount, changed);
    }

    /** Same as the viewers see it: the sessions with their devices and meta (blocks are never shown). */
    private static boolean sameView(RoomMember a, RoomMember b) {
        return a == b || a.sessions().equals(b.sessions());
    }

    /** The first {@code room_large_threshold} members in join order: what every viewer is shown. */
    private List<RoomMember> window() {
        List<RoomMember> w = new ArrayList<>(Math.min(byUser.size(), rooms.threshold));
        for (RoomMember m : bySeq.values()) {
            if (w.size() == rooms.threshold) {
                break;
            }
            w.add(m);
        }
        return w;
    }

    /**
     * The snapshot a local member is sent (on join, re-join and resume): the window as last sent, so
     * the next diff continues from it, with the member count of now.
     */
    ServerMessage snapshotFor(Session s, String rawId) {
        String viewer = s.userId();
        List<RoomMember> members = sentWindow;
        if (!blockedBy.isEmpty() || !sentBlockedBy.isEmpty()) {
            members = new ArrayList<>(sentWindow.size());
            for (RoomMember m : sentWindow) {
                if (rooms.projection.showsRoomMember(viewer, m)) {
                    members.add(m);
                }
            }
        }
        List<String> typers = List.of();
        if (!typing.isEmpty()) {
            typers = new ArrayList<>(typing.size());
            for (String u : typing.keySet()) {
                RoomMember m = byUser.get(u);
                if (m != null && rooms.projection.showsRoomMember(viewer, m)) {
                    typers.add(u);
                }
            }
        }
        rooms.stats.roomDiffs++;
        lagging.remove(s); // holds what was last sent from now on
        return Messages.roomSnapshot(rawId, id, members, byUser.size() - blockedBy.getOrDefault(viewer, 0), sentVersion,
                sentLarge || large(), typers);
    }

    // ------------------------------------------------------------------ signals and typing

    /** Delivers a signal to the local members who may see its sender, except the session that sent it. */
    void signal(BusMessage.RoomSignal sig) {
        if (closed) {
            return;
        }
        RoomMember sender = byUser.get(sig.userId());
        if (sender == null) {
            return; // not (or no longer) in the room as far as this node knows
        }
        if (ClientMessage.Signal.TYPING.equals(sig.kind())) {
            TypingTimer t = typing.get(sig.userId());
            if (ClientMessage.Signal.TYPING_OFF.equals(sig.data())) {
                if (t != null) {
                    typing.remove(sig.userId());
                    rooms.wheel.cancel(t);
                    deliver(sender, sig.sessionId(), sig.kind(), ClientMessage.Signal.TYPING_OFF);
                }
                return;
            }
            boolean started = t == null;
            if (started) {
                t = new TypingTimer(sig.userId());
                typing.put(sig.userId(), t);
            }
            rooms.wheel.scheduleAfter(t, rooms.typingNanos);
            if (started) {
                deliver(sender, sig.sessionId(), sig.kind(), ClientMessage.Signal.TYPING_ON);
            }
            return;
        }
        deliver(sender, sig.sessionId(), sig.kind(), sig.data());
    }

    private void deliver(RoomMember sender, String fromSession, String kind, String data) {
        ServerMessage m = Messages.signal(id, sender.userId(), kind, data);
        for (Session r : recipients) {
            if (r.id.equals(fromSession) || !rooms.projection.showsRoomMember(r.userId(), sender)) {
                continue;
            }
            r.send(m);
            rooms.stats.signals++;
        }
    }

    /** A member who leaves stops typing. */
    private void stopTyping(RoomMember gone) {
        TypingTimer t = typing.remove(gone.userId());
        if (t != null) {
            rooms.wheel.cancel(t);
            deliver(gone, null, ClientMessage.Signal.TYPING, ClientMessage.Signal.TYPING_OFF);
        }
    }

    private final class TypingTimer extends Timeout {
        final String userId;

        TypingTimer(String userId) {
            this.userId = userId;
        }

        @Override
        protected void expire() {
            if (typing.get(userId) != this) {
                return;
            }
            typing.remove(userId);
            RoomMember m = byUser.get(userId);
            if (m != null) {
                deliver(m, null, ClientMessage.Signal.TYPING, ClientMessage.Signal.TYPING_OFF);
            }
        }
    }

    // ------------------------------------------------------------------ meta coalescing

    /** Holds a member's meta until {@code ms.metaDue}; the room's one timer writes it then. */
    void queueMeta(RoomMembership ms) {
        metaQueue.add(ms);
        if (!metaTimer.isScheduled() || ms.metaDue - metaTimer.deadline() < 0) {
            rooms.wheel.schedule(metaTimer, ms.metaDue);
        }
    }

    private final class MetaTimer extends Timeout {
        @Override
        protected void expire() {
            long now = rooms.ticker.nanos();
            long next = Long.MAX_VALUE;
            boolean any = false;
            List<RoomMembership> due = new ArrayList<>();
            for (int i = metaQueue.size() - 1; i >= 0; i--) {
                RoomMembership ms = metaQueue.get(i);
                if (ms.state != RoomMembership.State.JOINED) {
                    metaQueue.remove(i);
                } else if (ms.metaDue - now <= 0) {
                    metaQueue.remove(i);
                    due.add(ms);
                } else if (!any || ms.metaDue - next < 0) {
                    next = ms.metaDue;
                    any = true;
                }
            }
            if (any) {
                rooms.wheel.schedule(this, next);
            }
            for (int i = due.size() - 1; i >= 0; i--) {
                RoomMembership ms = due.get(i);
                ms.metaQueued = false;
                rooms.writeMeta(ms, now);
            }
        }
    }

    private final class FlushTimer extends Timeout {
        @Override
        protected void expire() {
            flush();
        }
    }

    /** Stops every timer; the room is no longer watched here. */
    void close() {
        closed = true;
        rooms.wheel.cancel(flushTimer);
        rooms.wheel.cancel(metaTimer);
        for (TypingTimer t : typing.values()) {
            rooms.wheel.cancel(t);
        }
        typing.clear();
        metaQueue.clear();
        if (subscription != null) {
            subscription.close();
        }
    }
}
