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
 * <p><b>One view for almost every recipient.</b> The recipients no member blocks share one view: they
 * all hold the version last sent to them ({@link #sentVersion}); a new member's snapshot is the window
 * as last sent (with the count of now), and every diff goes from {@code sentVersion} to the mirror's
 * version, so one encoded diff serves them all. The few viewers some member blocks have their own view
 * ({@link #own}): the first members they may see, the count they may see, and the version they hold;
 * they are sent a diff only when that view changed, so they cannot even tell that something they may
 * not see happened.
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
    /** The shared view as last sent: what every recipient without an {@link #own} view holds. */
    private List<RoomMember> sentWindow = List.of();
    private long sentVersion;
    private int sentCount;
    private boolean sentLarge;
    /** A snapshot went out with a count or size class the shared view does not hold: the next diff must carry them. */
    private boolean snapshotAhead;
    /** What each recipient some member blocks (now or when it was last sent something) holds. */
    private final Map<Session, View> own = new HashMap<>();

    /** One viewer's view of the room: the members shown, the count, whether it is large, at a version. */
    private record View(List<RoomMember> window, int count, boolean large, long version) {
    }

    private boolean dirty;
    private boolean flushQueued;
    private long lastFlushNanos;
    private final FlushTimer flushTimer = new FlushTimer();
    private final ReloadTimer reloadTimer = new ReloadTimer();
    /**
     * Set while the node stores its memberships again after the store may have lost them ({@link Rooms#resync}):
     * a change that skips a version does not reload at once, since a read before every node has stored its
     * members again would show them leaving and coming back; the room is read once the settle timer fires.
     */
    private boolean settling;
    private final SettleTimer settleTimer = new SettleTimer();

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

    /** Whether the shared view is not this viewer's: a member blocks them, or one did when they were last sent. */
    private boolean hasOwnView(Session r) {
        return blockedBy.containsKey(r.userId()) || own.containsKey(r);
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
        // the first load waits until the room's bus subscription is live: no change falls between the two
        CompletableFuture<Void> live = subscription == null ? io.beacon.bus.BusSubscription.READY : subscription.ready();
        CompletableFuture<RoomState> load = live.isDone() ? rooms.store.room(id) : live.thenCompose(v -> rooms.store.room(id));
        loading = load;
        buffered = new ArrayList<>(2);
        rooms.engine.whenDone(load, state -> {
            if (loading == load) {
                loaded(state);
            }
        }, failure -> {
            rooms.log("could not load room " + id + "; retrying in " + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(rooms.batchNanos) + " ms", failure);
            if (loading == load && !closed) {
                rooms.wheel.scheduleAfter(reloadTimer, rooms.batchNanos); // what waits for the load keeps waiting
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
            if (settling) {
                return; // read when the settle timer fires
            }
            if (c.since() == 0 && version > 0) {
                // the store lost the room (Redis restarted empty) and another node is storing its members again:
                // this node will notice too and do the same; read the room once both are done
                settle();
                settleThenReload(2 * rooms.resyncSettleNanos);
                return;
            }
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
        boolean sameBlocks = old != null && old.blocks().equals(m.blocks()); // O(1): unchanged blocks are the same set
        if (old != null) {
            bySeq.remove(old.seq());
            if (!sameBlocks) {
                countBlocks(old, -1);
            }
        }
        bySeq.put(m.seq(), m);
        if (!sameBlocks) {
            countBlocks(m, 1);
            if (old != null && typing.containsKey(m.userId())) {
                typingSeenAgain(old, m);
            }
        }
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
        own.remove(s);
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
        List<RoomMember> window = window(null);
        Delta all = delta(sentWindow, window);
        boolean sharedChanged = !all.isEmpty() || count != sentCount || large != sentLarge || snapshotAhead;
        ServerMessage shared = null;
        boolean sent = false;
        for (Session r : recipients) {
            if (!hasOwnView(r)) {
                if (sharedChanged) {
                    if (shared == null) {
                        shared = all.message(id, count, sentVersion, version, large);
                    }
                    r.send(shared);
                    rooms.stats.roomDiffs++;
                    sent = true;
                }
                continue;
            }
            // a viewer some member blocks: a diff of their own view, or nothing at all
            View held = own.get(r);
            if (held == null) {
                held = new View(sentWindow, sentCount, sentLarge, sentVersion); // until now they shared the view
            }
            View now = viewOf(r.userId(), count);
            Delta d = delta(held.window(), now.window());
            if (d.isEmpty() && now.count() == held.count() && now.large() == held.large()) {
                own.put(r, held);
                continue;
            }
            r.send(d.message(id, now.count(), held.version(), version, now.large()));
            own.put(r, new View(now.window(), now.count(), now.large(), version));
            rooms.stats.roomDiffs++;
            sent = true;
        }
        sentWindow = window; // equal to what was sent, as the shared view shows it
        if (sharedChanged) {
            sentVersion = version;
            sentCount = count;
            sentLarge = large;
            snapshotAhead = false;
        }
        if (sent) {
            lastFlushNanos = rooms.ticker.nanos();
        }
    }

    /** What changed between two lists of shown members. */
    private record Delta(List<RoomMember> joins, List<String> leaves, List<RoomMember> updates) {
        boolean isEmpty() {
            return joins.isEmpty() && leaves.isEmpty() && updates.isEmpty();
        }

        ServerMessage message(String room, int count, long since, long version, boolean large) {
            return Messages.roomDiff(room, joins, leaves, updates, count, since, version, large);
        }
    }

    private static Delta delta(List<RoomMember> before, List<RoomMember> after) {
        Map<String, RoomMember> held = new HashMap<>(before.size() * 2);
        for (RoomMember m : before) {
            held.put(m.userId(), m);
        }
        List<RoomMember> joins = new ArrayList<>();
        List<RoomMember> updates = new ArrayList<>();
        Set<String> now = new HashSet<>(after.size() * 2);
        for (RoomMember m : after) {
            now.add(m.userId());
            RoomMember old = held.get(m.userId());
            if (old == null) {
                joins.add(m);
            } else if (!sameView(old, m)) {
                updates.add(m);
            }
        }
        List<String> leaves = new ArrayList<>();
        for (RoomMember old : before) {
            if (!now.contains(old.userId())) {
                leaves.add(old.userId());
            }
        }
        return new Delta(joins, leaves, updates);
    }

    /**
     * The view of a viewer some member blocks: the first members in join order they may see (a blocker
     * takes no place in it), how many they may see, and whether that many make the room large for them.
     */
    private View viewOf(String viewer, int count) {
        int visible = count - blockedBy.getOrDefault(viewer, 0);
        return new View(window(viewer), visible, visible > rooms.threshold, version);
    }

    /** Same as the viewers see it: the sessions with their devices and meta (blocks are never shown). */
    private static boolean sameView(RoomMember a, RoomMember b) {
        return a == b || a.sessions().equals(b.sessions());
    }

    /**
     * The first {@code room_large_threshold} members in join order that {@code viewer} may see
     * ({@code null}: of all members, the shared view).
     */
    private List<RoomMember> window(String viewer) {
        List<RoomMember> w = new ArrayList<>(Math.min(byUser.size(), rooms.threshold));
        for (RoomMember m : bySeq.values()) {
            if (w.size() == rooms.threshold) {
                break;
            }
            if (viewer == null || rooms.projection.showsRoomMember(viewer, m)) {
                w.add(m);
            }
        }
        return w;
    }

    /**
     * The snapshot a local member is sent (on join, re-join and resume): what the member holds from then
     * on, so the next diff continues from it. For the shared view that is the window as last sent with
     * the member count of now (the next diff brings both up to date); a viewer with a view of their own
     * gets it again as they hold it, or, new, as it is now.
     */
    ServerMessage snapshotFor(Session s, String rawId) {
        String viewer = s.userId();
        View v;
        if (hasOwnView(s)) {
            v = own.get(s);
            if (v == null) {
                v = viewOf(viewer, byUser.size());
                own.put(s, v);
            }
        } else {
            int count = byUser.size();
            boolean large = count > rooms.threshold;
            if (count != sentCount || large != sentLarge) {
                snapshotAhead = true;
            }
            v = new View(sentWindow, count, large, sentVersion);
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
        return Messages.roomSnapshot(rawId, id, v.window(), v.count(), v.version(), v.large(), typers);
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

    /**
     * A typing member's blocks changed: a viewer who may no longer see them hears them stop, one who may
     * see them again hears them type.
     */
    private void typingSeenAgain(RoomMember before, RoomMember after) {
        ServerMessage stop = null;
        ServerMessage start = null;
        for (Session r : recipients) {
            boolean was = rooms.projection.showsRoomMember(r.userId(), before);
            boolean is = rooms.projection.showsRoomMember(r.userId(), after);
            if (was && !is) {
                if (stop == null) {
                    stop = Messages.signal(id, after.userId(), ClientMessage.Signal.TYPING, ClientMessage.Signal.TYPING_OFF);
                }
                r.send(stop);
                rooms.stats.signals++;
            } else if (!was && is) {
                if (start == null) {
                    start = Messages.signal(id, after.userId(), ClientMessage.Signal.TYPING, ClientMessage.Signal.TYPING_ON);
                }
                r.send(start);
                rooms.stats.signals++;
            }
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

    private final class ReloadTimer extends Timeout {
        @Override
        protected void expire() {
            loading = null;
            reload();
        }
    }

    /** Holds reloads back until {@link #settleThenReload} reads the room. */
    void settle() {
        settling = true;
    }

    /** Reads the room {@code afterNanos} from now, and from then on reloads on a gap again. */
    void settleThenReload(long afterNanos) {
        rooms.wheel.scheduleAfter(settleTimer, afterNanos);
    }

    private final class SettleTimer extends Timeout {
        @Override
        protected void expire() {
            settling = false;
            reload();
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
        rooms.wheel.cancel(reloadTimer);
        rooms.wheel.cancel(settleTimer);
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
