package io.beacon.engine;

import io.beacon.bus.Bus;
import io.beacon.bus.BusListener;
import io.beacon.bus.BusMessage;
import io.beacon.bus.Channels;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.PresenceStore;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.Messages;
import io.beacon.rooms.RoomAccess;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomSession;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import io.beacon.time.Ticker;
import io.beacon.time.TimerWheel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The rooms of one node (contract §4): joins, leaves, meta and signals of local sessions, stored
 * through the {@link PresenceStore} and carried between nodes on the {@link Bus} (one channel per
 * room, subscribed while local sessions are in the room), and delivered through the
 * {@link LocalRoom}s. Engine-thread confined, like the engine that owns it.
 */
final class Rooms {
    private static final System.Logger LOG = System.getLogger(Rooms.class.getName());

    final PresenceEngine engine;
    final EngineOptions options;
    final Ticker ticker;
    final TimerWheel wheel;
    final Executor executor;
    final PresenceStore store;
    final Bus bus;
    final Projection projection;
    final EngineStats stats;
    final int threshold;
    final long batchNanos;
    final long metaNanos;
    final long typingNanos;
    /** How long after a resync's joins the rooms are read again (see {@link #resync}). */
    static final long RESYNC_SETTLE_MS = 1_000;
    final long resyncSettleNanos = TimeUnit.MILLISECONDS.toNanos(RESYNC_SETTLE_MS);
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    /** Memberships whose join was sent and not yet answered. */
    private final Set<RoomMembership> joinsInFlight = new java.util.HashSet<>();
    /** Leaves of ended sessions the store did not take (it was unreachable), by room: {@link #resync} tries again. */
    private final Map<String, List<RoomUpdate.Leave>> unstoredLeaves = new HashMap<>();
    private final BusListener listener;

    Rooms(PresenceEngine engine, EngineOptions options, Ticker ticker, TimerWheel wheel, Executor executor, PresenceStore store,
          Bus bus, Projection projection, EngineStats stats) {
        this.engine = engine;
        this.options = options;
        this.ticker = ticker;
        this.wheel = wheel;
        this.executor = executor;
        this.store = store;
        this.bus = bus;
        this.projection = projection;
        this.stats = stats;
        this.threshold = options.roomLargeThreshold();
        this.batchNanos = TimeUnit.MILLISECONDS.toNanos(options.roomBatchIntervalMs());
        this.metaNanos = TimeUnit.MILLISECONDS.toNanos(options.roomMetaIntervalMs());
        this.typingNanos = TimeUnit.MILLISECONDS.toNanos(options.typingTimeoutMs());
        this.listener = (channel, message) -> executor.execute(() -> onBusMessage(message));
    }

    void log(String what, Throwable failure) {
        LOG.log(System.Logger.Level.ERROR, what, failure);
    }

    // ------------------------------------------------------------------ client messages

    void join(Session s, ClientMessage.Join m) {
        String room = m.room();
        if (!RoomAccess.allows(s.roomClaim, room)) {
            throw BeaconError.forbidden("the token does not allow room \"" + abbreviate(room) + "\": it is not in its rooms claim");
        }
        SessionRooms sr = s.rooms;
        RoomMembership ms = sr == null ? null : sr.byRoom.get(room);
        if (ms != null) {
            // already in (or joining): a new meta if given, and a fresh snapshot, which is how a client resyncs
            if (ms.leaveRequested && s.state != Session.State.ENDED) {
                // a leave asked for while joining, then a join again: the join wins, the leave is done with
                ms.leaveRequested = false;
                ackAll(s, ms.leaveIds);
            }
            if (m.meta() != null) {
                setMeta(ms, m.meta());
            }
            if (ms.state == RoomMembership.State.JOINING) {
                ms.answerIds.add(m.id());
            } else {
                s.send(ms.room.snapshotFor(s, m.id()));
            }
            return;
        }
        if (sr == null) {
            sr = s.rooms = new SessionRooms(new io.beacon.time.TokenBucket(options.maxSignalsPerSecond(),
                    2.0 * options.maxSignalsPerSecond(), ticker.nanos()));
        }
        if (sr.byRoom.size() >= options.maxRoomsPerSession()) {
            throw BeaconError.tooLarge("a session may be in at most " + options.maxRoomsPerSession() + " rooms; leave one first");
        }
        LocalRoom r = rooms.get(room);
        if (r == null) {
            r = new LocalRoom(room, this, ticker.nanos());
            rooms.put(room, r);
            stats.rooms = rooms.size();
            r.subscription = bus.subscribe(Channels.room(room), listener);
            r.reload(); // after subscribing: no change can fall between the read and the subscription
        }
        RoomMembership joining = new RoomMembership(s, r, m.meta() == null ? RoomSession.EMPTY_META : m.meta());
        joining.answerIds.add(m.id());
        sr.byRoom.put(room, joining);
        r.holders++;
        LocalUser user = s.user;
        int epoch = user.rulesEpoch;
        LocalRoom room0 = r;
        engine.whenDone(projection.rules(s.userId()),
                rules -> room0.whenReady(() -> storeJoin(joining, rules.blocks(), epoch)),
                failure -> refuse(joining, ErrorCode.INTERNAL, "could not load the privacy rules; try again", failure));
    }

    private void storeJoin(RoomMembership ms, Set<String> blocks, int epoch) {
        Session s = ms.session;
        if (ms.state != RoomMembership.State.JOINING) {
            return;
        }
        if (ms.leaveRequested || s.state == Session.State.ENDED) {
            // left (or ended) before the join was stored: store nothing, so nobody sees a join and a leave
            ms.state = RoomMembership.State.GONE;
            forget(ms);
            ackAll(s, ms.answerIds);
            ackAll(s, ms.leaveIds);
            release(ms.room);
            return;
        }
        ms.writtenMeta = ms.meta;
        ms.joinedAtMillis = ticker.millis();
        ms.storedNodeId = engine.nodeId();
        joinsInFlight.add(ms);
        RoomSession entry = new RoomSession(s.id, ms.storedNodeId, s.device, ms.meta, ms.joinedAtMillis);
        RoomUpdate.Join join = new RoomUpdate.Join(s.userId(), entry, blocks, options.maxRoomMembers());
        engine.whenDone(store.updateRoom(ms.room.id, join, ticker.millis()), change -> joined(ms, change, epoch), failure -> {
            // the store may have taken the join before it failed to answer: a leave, tried until it is stored,
            // makes sure no member is left behind that no node would ever remove
            keepUnstoredLeave(ms.room.id, new RoomUpdate.Leave(s.userId(), s.id));
            refuse(ms, ErrorCode.INTERNAL, "the presence store failed; try again", failure);
        });
    }

    private void keepUnstoredLeave(String room, RoomUpdate.Leave leave) {
        unstoredLeaves.computeIfAbsent(room, k -> new ArrayList<>(1)).add(leave);
        engine.countUnstored();
    }

    /** Leaves waiting to be stored (see {@link PresenceEngine#unstored()}). */
    int unstoredLeaves() {
        int n = 0;
        for (List<RoomUpdate.Leave> l : unstoredLeaves.values()) {
            n += l.size();
        }
        return n;
    }

    private void joined(RoomMembership ms, RoomChange change, int epoch) {
        joinsInFlight.remove(ms);
        LocalRoom r = ms.room;
        Session s = ms.session;
        if (change.outcome() == RoomChange.Outcome.ROOM_FULL) {
            refuse(ms, ErrorCode.TOO_LARGE, "room \"" + abbreviate(r.id) + "\" is full: it has " + change.count()
                    + " members, the most a room may have is " + options.maxRoomMembers(), null);
            return;
        }
        stored(r, change);
        List<RoomUpdate.Leave> stale = unstoredLeaves.get(r.id);
        if (stale != null && stale.removeIf(l -> l.sessionId().equals(s.id))) {
            if (stale.isEmpty()) {
                unstoredLeaves.remove(r.id); // this session is in the room now: an old failed join's leave must not remove it
            }
            engine.countUnstored();
        }
        r.whenReady(() -> {
            ms.state = RoomMembership.State.JOINED;
            ms.lastMetaWriteNanos = ticker.nanos();
            stats.roomMembers++;
            if (!r.large()) {
                r.flush(); // the others hear of the join first, so the joiner's snapshot shows the room with them in it
            }
            r.addRecipient(s);
            for (String id : ms.answerIds) {
                s.send(r.snapshotFor(s, id));
            }
            ms.answerIds = null;
            if (ms.leaveRequested) {
                leaveNow(ms, ms.leaveIds);
                return;
            }
            if (s.user.rulesEpoch != epoch) {
                refreshBlocks(s.userId(), List.of(r));
            }
            if (!ms.meta.equals(ms.writtenMeta)) {
                setMeta(ms, ms.meta); // asked for while the join was being stored
            }
            if (!engine.nodeId().equals(ms.storedNodeId)) {
                // sent under an id the node gave up meanwhile (a rebirth): stored again under the new one
                CompletableFuture<RoomChange> again = rejoin(r, s, ms);
                if (ms.settled != null) {
                    again.whenComplete((c, e) -> {
                        if (e != null) {
                            ms.settled.completeExceptionally(e);
                        } else {
                            ms.settled.complete(null);
                        }
                    });
                }
            } else if (ms.settled != null) {
                ms.settled.complete(null);
            }
        });
    }

    /** A join that did not happen: the membership goes, each waiting request gets the error. */
    private void refuse(RoomMembership ms, ErrorCode code, String message, Throwable failure) {
        joinsInFlight.remove(ms);
        if (failure != null) {
            log("join of room " + ms.room.id + " by session " + ms.session.id + " failed", failure);
        }
        ms.state = RoomMembership.State.GONE;
        forget(ms);
        if (ms.settled != null) {
            ms.settled.complete(null); // nothing of it stays under the new id, and the leave above cleans up the old
        }
        for (String id : ms.answerIds) {
            ms.session.send(Messages.error(id, code, message));
        }
        ms.answerIds = null;
        ackAll(ms.session, ms.leaveIds); // nothing to leave
        release(ms.room);
    }

    private static void ackAll(Session s, List<String> ids) {
        for (String id : ids) {
            if (id != null) {
                s.send(Messages.ack(id));
            }
        }
        ids.clear();
    }

    void leave(Session s, ClientMessage.Leave m) {
        RoomMembership ms = membership(s, m.room());
        if (ms.state == RoomMembership.State.JOINING) {
            ms.leaveRequested = true;
            ms.leaveIds.add(m.id());
            return;
        }
        List<String> ids = new ArrayList<>(1);
        ids.add(m.id());
        leaveNow(ms, ids);
    }

    /**
     * Leaves at once: no more diffs or signals for the session, then the store hears of it. When the
     * store fails, a session that asked to leave is put back in the room (with a fresh snapshot, as it
     * missed diffs meanwhile) and told to try again.
     */
    private void leaveNow(RoomMembership ms, List<String> ackIds) {
        Session s = ms.session;
        LocalRoom r = ms.room;
        ms.state = RoomMembership.State.GONE;
        forget(ms);
        r.removeRecipient(s);
        stats.roomMembers--;
        engine.whenDone(store.updateRoom(r.id, new RoomUpdate.Leave(s.userId(), s.id), ticker.millis()), change -> {
            stored(r, change);
            ackAll(s, ackIds);
            release(r);
        }, failure -> {
            log("leave of room " + r.id + " by session " + s.id + " failed", failure);
            boolean asked = ackIds.stream().anyMatch(java.util.Objects::nonNull);
            if (asked && s.state != Session.State.ENDED && s.rooms != null && !s.rooms.byRoom.containsKey(r.id)) {
                ms.state = RoomMembership.State.JOINED;
                s.rooms.byRoom.put(r.id, ms);
                r.addRecipient(s);
                stats.roomMembers++;
                for (String id : ackIds) {
                    if (id != null) {
                        s.send(Messages.error(id, ErrorCode.INTERNAL, "the presence store failed; you are still in the room; try again"));
                    }
                }
                s.send(r.snapshotFor(s, null));
            } else {
                // a session that ended: kept, or it would stay in the room for good; resync() tries again
                keepUnstoredLeave(r.id, new RoomUpdate.Leave(s.userId(), s.id));
                release(r);
            }
        });
    }

    void meta(Session s, ClientMessage.RoomMeta m) {
        RoomMembership ms = membership(s, m.room());
        setMeta(ms, m.meta());
        if (m.id() != null) {
            s.send(Messages.ack(m.id()));
        }
    }

    /** Latest wins: written at once when the last write is old enough, else when the window closes. */
    private void setMeta(RoomMembership ms, String meta) {
        ms.meta = meta;
        if (ms.state != RoomMembership.State.JOINED || ms.metaQueued) {
            return;
        }
        long now = ticker.nanos();
        if (now - ms.lastMetaWriteNanos >= metaNanos) {
            writeMeta(ms, now);
        } else {
            ms.metaQueued = true;
            ms.metaDue = ms.lastMetaWriteNanos + metaNanos;
            ms.room.queueMeta(ms);
        }
    }

    void writeMeta(RoomMembership ms, long nowNanos) {
        if (ms.state != RoomMembership.State.JOINED || ms.meta.equals(ms.writtenMeta)) {
            return;
        }
        ms.lastMetaWriteNanos = nowNanos;
        String meta = ms.meta;
        ms.writtenMeta = meta;
        Session s = ms.session;
        LocalRoom r = ms.room;
        engine.whenDone(store.updateRoom(r.id, new RoomUpdate.SetMeta(s.userId(), s.id, meta), ticker.millis()), change -> stored(r, change), failure -> {
            log("meta of session " + s.id + " in room " + r.id + " was not stored; retrying", failure);
            if (ms.writtenMeta == meta && ms.state == RoomMembership.State.JOINED) {
                ms.writtenMeta = null; // unknown: written again when the next window closes
                if (!ms.metaQueued) {
                    ms.metaQueued = true;
                    ms.metaDue = ticker.nanos() + metaNanos;
                    r.queueMeta(ms);
                }
            }
        });
    }

    void signal(Session s, ClientMessage.Signal m) {
        RoomMembership ms = membership(s, m.room());
        if (ms.state != RoomMembership.State.JOINED) {
            throw BeaconError.notFound("the join of room \"" + abbreviate(m.room()) + "\" is not done yet; wait for its room_snapshot");
        }
        if (!s.rooms.signals.tryAcquire(ticker.nanos())) {
            throw new BeaconError(ErrorCode.RATE_LIMITED, "signals are limited to " + options.maxSignalsPerSecond()
                    + " per second per session; slow down");
        }
        bus.publish(Channels.room(m.room()), new BusMessage.RoomSignal(m.room(), s.userId(), s.id, m.kind(), m.data()));
        if (m.id() != null) {
            s.send(Messages.ack(m.id()));
        }
    }

    private RoomMembership membership(Session s, String room) {
        RoomMembership ms = s.rooms == null ? null : s.rooms.byRoom.get(room);
        if (ms == null) {
            throw BeaconError.notFound("this session is not in room \"" + abbreviate(room) + "\"; join it first");
        }
        return ms;
    }

    private void forget(RoomMembership ms) {
        SessionRooms sr = ms.session.rooms;
        if (sr != null && sr.byRoom.get(ms.room.id) == ms) {
            sr.byRoom.remove(ms.room.id);
        }
    }

    /** One membership less; the room closes (and its bus channel is unsubscribed) with the last one. */
    private void release(LocalRoom r) {
        if (--r.holders == 0 && rooms.get(r.id) == r) {
            rooms.remove(r.id);
            r.close();
            stats.rooms = rooms.size();
            if (!unstoredLeaves.containsKey(r.id)) {
                // every session of this node left and the store has each leave: no cleanup needed here if the node dies
                store.nodeLeftRoom(r.id, engine.nodeId());
            }
        }
    }

    /** A change the store took: this node's view of the room follows it (if it has one), and the other nodes hear of it. */
    private void stored(LocalRoom r, RoomChange change) {
        if (r != null) {
            r.apply(change);
        }
        publish(change);
    }

    private void publish(RoomChange change) {
        if (change.changed()) {
            stats.roomChanges++;
            bus.publish(Channels.room(change.room()), new BusMessage.RoomChanged(change));
        }
    }

    // ------------------------------------------------------------------ session lifecycle

    /** The session ended for good (its grace ran out, or the backend ended it): it leaves every room. */
    void sessionEnded(Session s) {
        SessionRooms sr = s.rooms;
        if (sr == null) {
            return;
        }
        for (RoomMembership ms : List.copyOf(sr.byRoom.values())) {
            if (ms.state == RoomMembership.State.JOINED) {
                leaveNow(ms, new ArrayList<>(0));
            } else if (ms.state == RoomMembership.State.JOINING) {
                ms.leaveRequested = true;
            }
        }
    }

    /**
     * A resumed session may have missed diffs while its link was down: a fresh snapshot of each room.
     * Its new token may allow fewer rooms than the one it started with: it leaves those, and is told.
     */
    void sessionResumed(Session s) {
        SessionRooms sr = s.rooms;
        if (sr == null) {
            return;
        }
        for (RoomMembership ms : List.copyOf(sr.byRoom.values())) {
            if (!RoomAccess.allows(s.roomClaim, ms.room.id)) {
                String why = "left room \"" + abbreviate(ms.room.id) + "\": the token of this connection does not allow it";
                s.send(Messages.error(null, ErrorCode.FORBIDDEN, why));
                if (ms.state == RoomMembership.State.JOINED) {
                    leaveNow(ms, new ArrayList<>(0));
                } else {
                    for (String id : ms.answerIds) {
                        s.send(Messages.error(id, ErrorCode.FORBIDDEN, why));
                    }
                    ms.answerIds.clear();
                    ms.leaveRequested = true;
                }
            } else if (ms.state == RoomMembership.State.JOINED) {
                s.send(ms.room.snapshotFor(s, null));
            }
        }
    }

    /**
     * A local user's privacy rules changed: the rooms they are in here learn their new blocks, so that
     * a newly blocked viewer stops seeing them there (and an unblocked one sees them again).
     */
    void rulesChanged(LocalUser user) {
        user.rulesEpoch++;
        Set<LocalRoom> in = new LinkedHashSet<>();
        for (Session s : user.sessions) {
            if (s.rooms != null) {
                for (RoomMembership ms : s.rooms.byRoom.values()) {
                    if (ms.state == RoomMembership.State.JOINED) {
                        in.add(ms.room);
                    }
                }
            }
        }
        if (!in.isEmpty()) {
            refreshBlocks(user.userId, List.copyOf(in));
        }
    }

    private void refreshBlocks(String userId, List<LocalRoom> in) {
        engine.whenDone(projection.rules(userId), rules -> {
            for (LocalRoom r : in) {
                r.holders++; // kept open until the write is back
                engine.whenDone(store.updateRoom(r.id, new RoomUpdate.SetBlocks(userId, rules.blocks()), ticker.millis()), change -> {
                    stored(r, change);
                    release(r);
                }, failure -> {
                    log("blocks of " + userId + " in room " + r.id + " were not stored", failure);
                    release(r);
                });
            }
        }, failure -> log("could not load the privacy rules of " + userId + " for its rooms", failure));
    }

    // ------------------------------------------------------------------ cluster mode

    /** A dead node's sessions leave its rooms (see {@link PresenceEngine#removeNode}). */
    List<CompletableFuture<RoomChange>> removeNode(String nodeId, java.util.Collection<String> roomIds) {
        List<CompletableFuture<RoomChange>> done = new ArrayList<>(roomIds.size());
        for (String room : roomIds) {
            CompletableFuture<RoomChange> f = store.updateRoom(room, new RoomUpdate.RemoveNode(nodeId), ticker.millis());
            done.add(f);
            engine.whenDone(f, change -> stored(rooms.get(room), change), failure -> log("could not remove the sessions of dead node " + nodeId + " from room " + room, failure));
        }
        return done;
    }

    /** Stores the leaves the store did not take (see {@link PresenceEngine#repair}). */
    CompletableFuture<Void> repair() {
        List<CompletableFuture<?>> done = new ArrayList<>();
        retryLeaves(done);
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    private void retryLeaves(List<CompletableFuture<?>> done) {
        Map<String, List<RoomUpdate.Leave>> leaves = new HashMap<>(unstoredLeaves);
        unstoredLeaves.clear();
        leaves.forEach((room, list) -> {
            List<CompletableFuture<RoomChange>> tries = new ArrayList<>(list.size());
            for (RoomUpdate.Leave leave : list) {
                CompletableFuture<RoomChange> f = store.updateRoom(room, leave, ticker.millis());
                tries.add(f);
                done.add(f);
                engine.whenDone(f, change -> stored(rooms.get(room), change), failure -> {
                    log("leave of room " + room + " by session " + leave.sessionId() + " failed again; trying again at the next repair", failure);
                    keepUnstoredLeave(room, leave);
                });
            }
            // the room leaves the node's index only once every leave of it is stored and no local session is in it
            engine.whenDone(CompletableFuture.allOf(tries.toArray(CompletableFuture[]::new)), ok -> {
                if (!rooms.containsKey(room) && !unstoredLeaves.containsKey(room)) {
                    store.nodeLeftRoom(room, engine.nodeId());
                }
            }, failure -> { });
        });
    }

    /**
     * The store or bus may have missed something (see {@link PresenceEngine#resync}): the leaves it did
     * not take are stored, every local membership is stored again under the node's current id, with the
     * member's current blocks (a no-op where the store has it already), and then every local room is
     * read again — after the joins, so that a store that lost a room sees its version move forward
     * before this node reads it, and {@value #RESYNC_SETTLE_MS} ms later, so that the other nodes, which
     * noticed the loss at about the same time, have stored their members again too (else they would be
     * shown leaving and coming back).
     */
    CompletableFuture<Void> resync() {
        List<CompletableFuture<?>> done = new ArrayList<>();
        retryLeaves(done);
        List<LocalRoom> local = List.copyOf(rooms.values());
        for (LocalRoom r : local) {
            r.holders++; // kept open until its memberships are stored again
            r.settle();
            for (Session s : List.copyOf(r.recipients)) {
                RoomMembership ms = s.rooms == null ? null : s.rooms.byRoom.get(r.id);
                if (ms != null && ms.state == RoomMembership.State.JOINED) {
                    done.add(rejoin(r, s, ms));
                }
            }
        }
        for (RoomMembership ms : joinsInFlight) {
            if (ms.settled == null) {
                ms.settled = new CompletableFuture<>(); // its join is in flight: done once stored under the current id
                done.add(ms.settled);
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
        CompletableFuture<Void> reloaded = new CompletableFuture<>();
        all.whenCompleteAsync((v, e) -> {
            for (LocalRoom r : local) {
                r.settleThenReload(resyncSettleNanos);
                release(r);
            }
            reloaded.complete(null);
        }, executor);
        return all.thenCombine(reloaded, (a, b) -> null);
    }

    /**
     * Stores a membership again under the node's current id. The join is sent from the engine thread once
     * the rules are loaded, with the membership as it is then: a leave or a meta write in between wins.
     */
    private CompletableFuture<RoomChange> rejoin(LocalRoom r, Session s, RoomMembership ms) {
        CompletableFuture<RoomChange> result = new CompletableFuture<>();
        engine.whenDone(projection.rules(s.userId()), rules -> {
            if (ms.state != RoomMembership.State.JOINED || s.rooms == null || s.rooms.byRoom.get(r.id) != ms) {
                result.complete(RoomChange.none(r.id, RoomChange.Outcome.UNCHANGED, 0, 0)); // left meanwhile
                return;
            }
            String meta = ms.writtenMeta == null ? ms.meta : ms.writtenMeta;
            ms.storedNodeId = engine.nodeId();
            CompletableFuture<RoomChange> f = store.updateRoom(r.id, new RoomUpdate.Join(s.userId(),
                    new RoomSession(s.id, ms.storedNodeId, s.device, meta, ms.joinedAtMillis), rules.blocks(), Integer.MAX_VALUE), ticker.millis());
            engine.whenDone(f, change -> {
                stored(r, change);
                result.complete(change);
            }, failure -> {
                log("could not store again the membership of session " + s.id + " in room " + r.id, failure);
                result.completeExceptionally(failure);
            });
        }, failure -> {
            log("could not load the privacy rules of " + s.userId() + " to store its membership of room " + r.id + " again", failure);
            result.completeExceptionally(failure);
        });
        return result;
    }

    // ------------------------------------------------------------------ bus and backend reads

    private void onBusMessage(BusMessage message) {
        switch (message) {
            case BusMessage.RoomChanged rc -> {
                LocalRoom r = rooms.get(rc.change().room());
                if (r != null) {
                    r.apply(rc.change());
                }
            }
            case BusMessage.RoomSignal sig -> {
                LocalRoom r = rooms.get(sig.room());
                if (r != null) {
                    r.signal(sig);
                }
            }
            default -> {
            }
        }
    }

    /**
     * A page of a room's members as {@code viewerId} may see them ({@code null}: the backend sees
     * everyone). With a viewer the whole room is read once, so the count and the pages leave out the
     * members who block them. Thread-safe.
     */
    CompletableFuture<RoomPage> members(String room, String viewerId, long afterSeq, int limit) {
        if (viewerId == null) {
            return store.roomMembers(room, afterSeq, limit);
        }
        return store.room(room).thenApply(state -> visiblePage(state, viewerId, afterSeq, limit));
    }

    private RoomPage visiblePage(RoomState state, String viewerId, long afterSeq, int limit) {
        List<RoomMember> page = new ArrayList<>(Math.min(limit, state.count()));
        int count = 0;
        long next = 0;
        for (RoomMember m : state.members()) {
            if (!projection.showsRoomMember(viewerId, m)) {
                continue;
            }
            count++;
            if (m.seq() <= afterSeq) {
                continue;
            }
            if (page.size() < limit) {
                page.add(m);
            } else if (next == 0) {
                next = page.get(page.size() - 1).seq();
            }
        }
        return new RoomPage(state.room(), state.version(), count, page, next);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
