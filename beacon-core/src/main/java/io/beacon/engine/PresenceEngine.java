package io.beacon.engine;

import io.beacon.bus.Bus;
import io.beacon.bus.BusMessage;
import io.beacon.bus.Channels;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.Presence;
import io.beacon.presence.PresenceChange;
import io.beacon.presence.PresenceStore;
import io.beacon.presence.PresenceUpdate;
import io.beacon.privacy.PrivacyRules;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ServerMessage;
import io.beacon.settings.SettingsStore;
import io.beacon.time.Ticker;
import io.beacon.time.TimerWheel;
import io.beacon.time.Timeout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The presence engine of one node: sessions and their liveness, aggregation through the
 * {@link PresenceStore}, publication on the {@link Bus}, and delivery to local subscribers through
 * the {@link Projection}. No I/O: transports hand it {@link Connection}s and validated
 * {@link ClientMessage}s.
 *
 * <p><b>Threading.</b> Every method must be called on the engine thread, the one thread behind the
 * {@code executor} given at construction; store and bus callbacks are brought back to it. Tests use a
 * direct executor and a {@link io.beacon.time.FakeTicker} and call {@link #tick()} after moving time.
 *
 * <p><b>Deadlines.</b> All of them (hello timeout, ping, TTL, offline grace, idle, activity and
 * custom-status expiry) are nodes of one {@link TimerWheel}; a heartbeat is a field write on the
 * connection, checked lazily when the session's liveness node comes due.
 *
 * <pre>{@code
 * PresenceEngine engine = new PresenceEngine(EngineOptions.create(), Ticker.system(), Runnable::run,
 *         new InMemoryPresenceStore(), new InMemorySettingsStore(), new InMemoryBus(), Projection.PUBLIC);
 * engine.connectionOpened(conn);
 * engine.hello(conn, "alice", null, List.of(), helloMessage);
 * engine.tick();   // from a periodic task on the engine thread
 * }</pre>
 */
public final class PresenceEngine {
    private static final System.Logger LOG = System.getLogger(PresenceEngine.class.getName());

    private final EngineOptions options;
    private final Ticker ticker;
    private final TimerWheel wheel;
    private final Executor executor;
    private final PresenceStore presenceStore;
    private final SettingsStore settingsStore;
    private final Bus bus;
    private final Projection projection;

    private final long ttlNanos;
    private final long pingAfterNanos;
    private final long graceNanos;
    private final long idleNanos;

    private final Map<String, Session> byResumeToken = new HashMap<>();
    private final Map<String, LocalUser> users = new HashMap<>();
    private final Map<String, Watch> watches = new HashMap<>();
    private final Map<String, CustomStatusExpiry> customExpiries = new HashMap<>();

    private final EngineStats stats = new EngineStats();
    /** One listener object for every subscription of this node (not one lambda per subscription). */
    private final io.beacon.bus.BusListener busListener = this::onBusMessage;
    /** The listener of users' control channels (backend disconnects, settings changes for rooms). */
    private final io.beacon.bus.BusListener controlListener = this::onControlMessage;
    private final Rooms rooms;
    /** This node's id in the store; a cluster node takes a new one when it was given up for dead ({@link #rebirth}). */
    private volatile String nodeId;
    /** Session ends the store did not take (it was unreachable): tried again by {@link #resync}. */
    private final List<PresenceUpdate.RemoveSession> unstoredEnds = new ArrayList<>();
    private final List<String> unstoredEndUsers = new ArrayList<>();
    /** Local users a write of whom the store did not take: {@link #repair} stores their sessions again. */
    private final Set<String> unstoredUsers = new HashSet<>();
    /** How many writes wait for a {@link #repair} (read by the cluster node from its own thread). */
    private volatile int unstored;
    /** Every node hears every settings change here (cache invalidation, room memberships). */
    private final io.beacon.bus.BusSubscription settingsSubscription;

    public PresenceEngine(EngineOptions options, Ticker ticker, Executor executor, PresenceStore presenceStore,
                          SettingsStore settingsStore, Bus bus, Projection projection) {
        this.options = Objects.requireNonNull(options, "options");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.presenceStore = Objects.requireNonNull(presenceStore, "presenceStore");
        this.settingsStore = Objects.requireNonNull(settingsStore, "settingsStore");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.projection = Objects.requireNonNull(projection, "projection");
        this.wheel = new TimerWheel(ticker);
        this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(options.sessionTtlMs());
        this.pingAfterNanos = ttlNanos / 2;
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(options.offlineGraceMs());
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(options.idleAfterMs());
        this.nodeId = options.nodeId();
        this.rooms = new Rooms(this, options, ticker, wheel, executor, presenceStore, bus, projection, stats);
        this.settingsSubscription = bus.subscribe(Channels.settings(), (channel, message) -> {
            if (message instanceof BusMessage.SettingsChanged sc) {
                executor.execute(() -> onSettingsBroadcast(sc.userId()));
            }
        });
    }

    public EngineOptions options() {
        return options;
    }

    public Ticker ticker() {
        return ticker;
    }

    public EngineStats stats() {
        return stats;
    }

    /** Writes the store did not take, waiting for {@link #repair}: session ends, users, room leaves. Thread-safe. */
    public int unstored() {
        return unstored;
    }

    void countUnstored() {
        unstored = unstoredEnds.size() + unstoredUsers.size() + rooms.unstoredLeaves();
    }

    /** This node's id in session records: {@link EngineOptions#nodeId()}, until a {@link #rebirth}. */
    public String nodeId() {
        return nodeId;
    }

    /** Fires every deadline that has come; call it periodically on the engine thread. */
    public int tick() {
        return wheel.advance();
    }

    /** The earliest pending deadline in ticker nanos, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        return wheel.nextDeadline();
    }

    // ------------------------------------------------------------------ connection lifecycle

    /** A new connection: it must say hello within the hello timeout. */
    public void connectionOpened(Connection conn) {
        stats.connections++;
        HelloTimer t = new HelloTimer(conn);
        conn.helloTimer = t;
        wheel.scheduleAfter(t, TimeUnit.MILLISECONDS.toNanos(options.helloTimeoutMs()));
    }

    /**
     * The client said hello with a valid token: resumes the session named by {@code hello.resume()}
     * when it is this user's and still live or inside the offline grace, else starts a new one.
     *
     * @param deviceClaim the token's {@code device} claim or {@code null}
     * @param rooms       the token's {@code rooms} claim (exact ids and {@code prefix*})
     */
    public void hello(Connection conn, String userId, Device deviceClaim, List<String> rooms, ClientMessage.Hello hello) {
        hello(conn, userId, deviceClaim, rooms, 0, hello);
    }

    /**
     * As {@link #hello(Connection, String, Device, List, ClientMessage.Hello)}, for a token that expires at
     * {@code tokenExpiresAtMillis} (epoch ms; {@code 0} or {@code Long.MAX_VALUE}: never). When it does,
     * the connection gets {@code token_expired} and close 4002; the session lingers for the offline grace,
     * so a client that reconnects with a fresh token and its resume token causes no offline flap.
     */
    public void hello(Connection conn, String userId, Device deviceClaim, List<String> rooms, long tokenExpiresAtMillis,
                      ClientMessage.Hello hello) {
        if (conn.engineClosed) {
            return;
        }
        cancelHelloTimer(conn);
        if (conn.session != null) {
            conn.send(Messages.error(hello.id(), ErrorCode.BAD_REQUEST, "this connection already said hello"));
            return;
        }
        conn.touch(ticker.nanos());
        if (hello.resume() != null) {
            Session old = byResumeToken.get(hello.resume());
            if (old != null && old.userId().equals(userId) && old.state != Session.State.ENDED) {
                armToken(old, tokenExpiresAtMillis);
                old.roomClaim = rooms == null ? List.of() : rooms;
                resume(old, conn, hello);
                return;
            }
        }
        Device device = hello.device() != null ? hello.device() : deviceClaim != null ? deviceClaim : Device.OTHER;
        LocalUser user = users.get(userId);
        if (user == null) {
            user = new LocalUser(userId);
            users.put(userId, user);
            user.control = bus.subscribe(Channels.user(userId), controlListener);
        }
        Session s = new Session(this, Ids.random(12), user, device, ticker.millis(), rooms == null ? List.of() : rooms);
        s.resumeToken = Ids.random(18);
        s.connection = conn;
        s.lastActiveNanos = ticker.nanos();
        conn.session = s;
        user.sessions.add(s);
        byResumeToken.put(s.resumeToken, s);
        stats.sessions++;
        if (user.liveSessions++ == 0) {
            stats.onlineUsers++;
        }
        armToken(s, tokenExpiresAtMillis);
        scheduleLiveness(s, ticker.nanos() + pingAfterNanos);
        wheel.scheduleAfter(s.idleTimer, idleNanos);
        conn.send(welcome(hello.id(), s));
        if (user.seeded == null) {
            user.seeded = settingsStore.get(userId).thenCompose(settings -> presenceStore.update(userId,
                    new PresenceUpdate.Seed(settings.manual(), settings.customStatus(), settings.lastSeen()), ticker.millis()))
                    .thenApply(change -> {
                        executor.execute(() -> scheduleCustomExpiry(userId, change.after().customStatus()));
                        return null;
                    });
        }
        whenDone(user.seeded, ok -> putSession(s), failure -> {
            LOG.log(System.Logger.Level.ERROR, "could not load the settings of " + userId, failure);
            putSession(s);
        });
    }

    private ServerMessage welcome(String rawId, Session s) {
        s.connection.welcomed(s.id, s.userId(), s.resumeToken);
        return Messages.welcome(rawId, s.id, s.userId(), options.heartbeatIntervalMs(), options.sessionTtlMs(),
                s.resumeToken, ticker.millis());
    }

    private void resume(Session s, Connection conn, ClientMessage.Hello hello) {
        Connection previous = s.connection;
        if (previous != null) {
            previous.session = null;
            previous.engineClosed = true;
            previous.close(Connection.CLOSE_REPLACED, "session resumed on another connection");
            stats.connections--;
        }
        byResumeToken.remove(s.resumeToken);
        s.resumeToken = Ids.random(18);
        byResumeToken.put(s.resumeToken, s);
        s.connection = conn;
        conn.session = s;
        setLive(s, true);
        scheduleLiveness(s, ticker.nanos() + pingAfterNanos);
        if (!s.idle) {
            // the idle deadline may have passed (and been ignored) while the session lingered
            wheel.schedule(s.idleTimer, s.lastActiveNanos + idleNanos);
        }
        stats.resumes++;
        conn.send(welcome(hello.id(), s));
        rooms.sessionResumed(s);
        if (s.subscriptionCount() > 0) {
            // anything sent while the link was down (or in flight when it broke) may be lost: a fresh snapshot
            List<Presence> views = new ArrayList<>(s.subscriptions.size());
            for (String target : s.subscriptions) {
                Watch w = watches.get(target);
                if (w != null && w.presence != null && w.rules != null) {
                    Presence view = projection.project(s.userId(), w.presence, w.rules);
                    if (view.version() == 0 && w.presence.version() > 0) {
                        // a continuing subscription: a hidden user is a plain offline newer than what it may hold
                        view = Presence.unknown(target).withVersion(w.presence.publicVersion());
                    }
                    views.add(view);
                }
            }
            conn.send(Messages.presenceSnapshot(null, views));
        }
    }

    /** The transport saw the connection end (clean close, reset, or error). */
    public void connectionClosed(Connection conn) {
        if (conn.engineClosed) {
            return;
        }
        conn.engineClosed = true;
        stats.connections--;
        cancelHelloTimer(conn);
        Session s = conn.session;
        conn.session = null;
        if (s != null && s.connection == conn) {
            connectionEnded(s, ticker.millis());
        }
    }

    private void cancelHelloTimer(Connection conn) {
        if (conn.helloTimer != null) {
            wheel.cancel(conn.helloTimer);
            conn.helloTimer = null;
        }
    }

    /**
     * The session lost its connection: it lingers until the offline grace, counted from when it ended,
     * has passed, waiting for a resume. A connection found dead by the TTL ended at its last frame,
     * long before the grace: its session ends at once, so offline is published within the TTL.
     */
    private void connectionEnded(Session s, long endedAtMillis) {
        s.connection = null;
        setLive(s, false);
        s.endedAtMillis = endedAtMillis;
        long sinceEnd = TimeUnit.MILLISECONDS.toNanos(Math.max(0, ticker.millis() - endedAtMillis));
        long remaining = graceNanos - sinceEnd;
        if (remaining <= 0) {
            endSession(s);
        } else {
            wheel.scheduleAfter(s.liveness, remaining);
        }
    }

    void onLivenessTimer(Session s) {
        long now = ticker.nanos();
        switch (s.state) {
            case LIVE -> {
                Connection c = s.connection;
                long last = c.lastFrameNanos();
                long silent = now - last;
                if (s.tokenExpires && now - s.tokenDeadline >= 0) {
                    c.session = null;
                    c.engineClosed = true;
                    stats.connections--;
                    c.send(Messages.error(null, ErrorCode.TOKEN_EXPIRED,
                            "the token expired; reconnect with a fresh token and your resume token"));
                    c.close(Connection.CLOSE_TOKEN_EXPIRED, "token expired");
                    connectionEnded(s, ticker.millis());
                } else if (silent >= ttlNanos) {
                    long endedAt = ticker.millis() - TimeUnit.NANOSECONDS.toMillis(silent);
                    c.session = null;
                    c.engineClosed = true;
                    stats.connections--;
                    stats.expiredSessions++;
                    c.close(Connection.CLOSE_SESSION_EXPIRED, "no frame for " + options.sessionTtlMs() + " ms");
                    connectionEnded(s, endedAt);
                } else if (silent >= pingAfterNanos) {
                    c.ping();
                    scheduleLiveness(s, last + ttlNanos);
                } else {
                    scheduleLiveness(s, last + pingAfterNanos);
                }
            }
            case LINGERING -> endSession(s);
            case ENDED -> {
            }
        }
    }

    /** Remembers when the session's token expires (a deadline on the liveness timer). */
    private void armToken(Session s, long expiresAtMillis) {
        s.tokenExpires = expiresAtMillis > 0 && expiresAtMillis != Long.MAX_VALUE;
        if (s.tokenExpires) {
            long left = Math.max(0, Math.min(expiresAtMillis - ticker.millis(), TimeUnit.DAYS.toMillis(3650)));
            s.tokenDeadline = ticker.nanos() + TimeUnit.MILLISECONDS.toNanos(left);
        }
    }

    /** Schedules a live session's liveness check, no later than its token's expiry. */
    private void scheduleLiveness(Session s, long deadline) {
        wheel.schedule(s.liveness, s.tokenExpires && s.tokenDeadline - deadline < 0 ? s.tokenDeadline : deadline);
    }

    /** The grace ran out without a resume: the session is gone for good. */
    private void endSession(Session s) {
        setLive(s, false);
        s.state = Session.State.ENDED;
        wheel.cancel(s.liveness);
        wheel.cancel(s.idleTimer);
        if (s.activityTimer != null) {
            wheel.cancel(s.activityTimer);
        }
        byResumeToken.remove(s.resumeToken);
        rooms.sessionEnded(s); // one leave per room, now that the grace is over: never a leave and a join
        LocalUser user = s.user;
        user.sessions.remove(s);
        if (user.sessions.isEmpty()) {
            users.remove(user.userId);
            user.control.close();
        }
        stats.sessions--;
        if (s.subscriptions != null) {
            for (String target : s.subscriptions) {
                unwatch(s, target);
            }
            s.subscriptions = null;
        }
        endInStore(s.userId(), new PresenceUpdate.RemoveSession(s.id, s.endedAtMillis));
    }

    private CompletableFuture<PresenceChange> endInStore(String userId, PresenceUpdate.RemoveSession end) {
        CompletableFuture<PresenceChange> f = presenceStore.update(userId, end, ticker.millis());
        whenDone(f, this::publish, failure -> {
            // kept, or the user would stay online in the store for good: resync() tries again
            LOG.log(System.Logger.Level.ERROR, "could not store the end of session " + end.sessionId() + " of " + userId
                    + "; trying again when the store is back", failure);
            unstoredEnds.add(end);
            unstoredEndUsers.add(userId);
            countUnstored();
        });
        return f;
    }

    void onIdleTimer(Session s) {
        if (s.state != Session.State.LIVE || s.idle) {
            return;
        }
        long due = s.lastActiveNanos + idleNanos;
        if (due - ticker.nanos() > 0) {
            wheel.schedule(s.idleTimer, due);
            return;
        }
        s.idle = true;
        putSession(s);
    }

    void onActivityExpired(Session s) {
        if (s.state == Session.State.ENDED || s.activity == null) {
            return;
        }
        s.activity = null;
        s.activitySetAt = 0;
        s.activityExpiresAt = 0;
        putSession(s);
    }

    /** Moves a session in or out of the live state, keeping the online-user count. */
    private void setLive(Session s, boolean live) {
        boolean was = s.state == Session.State.LIVE;
        if (was == live) {
            return;
        }
        LocalUser u = s.user;
        if (live) {
            s.state = Session.State.LIVE;
            if (u.liveSessions++ == 0) {
                stats.onlineUsers++;
            }
        } else {
            s.state = Session.State.LINGERING;
            if (--u.liveSessions == 0) {
                stats.onlineUsers--;
            }
        }
    }

    // ------------------------------------------------------------------ client messages

    /** A validated message from the client of {@code conn} (after its hello). */
    public void message(Connection conn, ClientMessage msg) {
        Session s = conn.session;
        if (s == null || s.state != Session.State.LIVE) {
            return;
        }
        try {
            switch (msg) {
                case ClientMessage.Hello h -> throw BeaconError.badRequest("this connection already said hello");
                case ClientMessage.Heartbeat h -> ack(s, h.id());
                case ClientMessage.ActivityState a -> activityState(s, a);
                case ClientMessage.SetStatus m -> setStatus(s, m);
                case ClientMessage.SetActivity m -> setActivity(s, m);
                case ClientMessage.SetCustomStatus m -> setCustomStatus(s, m);
                case ClientMessage.ClearCustomStatus m -> clearCustomStatus(s, m);
                case ClientMessage.Subscribe m -> subscribe(s, m);
                case ClientMessage.Unsubscribe m -> unsubscribe(s, m);
                case ClientMessage.Query m -> query(s, m);
                case ClientMessage.Join m -> rooms.join(s, m);
                case ClientMessage.Leave m -> rooms.leave(s, m);
                case ClientMessage.RoomMeta m -> rooms.meta(s, m);
                case ClientMessage.Signal m -> rooms.signal(s, m);
            }
        } catch (BeaconError e) {
            s.send(Messages.error(msg.id(), e));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "failed to handle " + msg.type() + " of session " + s.id, e);
            s.send(Messages.error(msg.id(), ErrorCode.INTERNAL, "internal error"));
        }
    }

    private static void ack(Session s, String rawId) {
        if (rawId != null) {
            s.send(Messages.ack(rawId));
        }
    }

    /** Records user activity; an idle session becomes active (and the store hears of it). */
    private void markActive(Session s) {
        s.lastActiveNanos = ticker.nanos();
        if (s.idle) {
            s.idle = false;
            wheel.scheduleAfter(s.idleTimer, idleNanos);
            putSession(s);
        }
    }

    private void activityState(Session s, ClientMessage.ActivityState a) {
        if (a.idle()) {
            if (!s.idle) {
                s.idle = true;
                wheel.cancel(s.idleTimer);
                putSession(s, a.id());
                return;
            }
        } else {
            markActive(s);
        }
        ack(s, a.id());
    }

    private void setStatus(Session s, ClientMessage.SetStatus m) {
        markActive(s);
        String userId = s.userId();
        whenDone(settingsStore.setManual(userId, m.status()),
                ok -> update(userId, new PresenceUpdate.SetManual(m.status()), s, m.id()), error(s, m.id()));
    }

    private void setActivity(Session s, ClientMessage.SetActivity m) {
        long now = ticker.millis();
        if (m.expiresAt() != 0 && m.expiresAt() <= now) {
            throw BeaconError.badRequest("\"expires_at\" (" + m.expiresAt() + ") is not in the future (server time " + now + ")");
        }
        markActive(s);
        s.activity = m.activity();
        s.activitySetAt = m.activity() == null ? 0 : now;
        s.activityExpiresAt = m.activity() == null ? 0 : m.expiresAt();
        if (s.activityTimer == null && s.activityExpiresAt != 0) {
            s.activityTimer = s.new ActivityTimer();
        }
        if (s.activityTimer != null) {
            if (s.activityExpiresAt != 0) {
                wheel.scheduleAfter(s.activityTimer, TimeUnit.MILLISECONDS.toNanos(s.activityExpiresAt - now));
            } else {
                wheel.cancel(s.activityTimer);
            }
        }
        putSession(s, m.id());
    }

    private void setCustomStatus(Session s, ClientMessage.SetCustomStatus m) {
        long now = ticker.millis();
        if (m.expiresAt() != 0 && m.expiresAt() <= now) {
            throw BeaconError.badRequest("\"expires_at\" (" + m.expiresAt() + ") is not in the future (server time " + now + ")");
        }
        markActive(s);
        CustomStatus status = new CustomStatus(m.text(), m.emoji(), m.expiresAt());
        String userId = s.userId();
        whenDone(settingsStore.setCustomStatus(userId, status), ok -> {
            scheduleCustomExpiry(userId, status);
            update(userId, new PresenceUpdate.SetCustomStatus(status), s, m.id());
        }, error(s, m.id()));
    }

    private void clearCustomStatus(Session s, ClientMessage.ClearCustomStatus m) {
        markActive(s);
        String userId = s.userId();
        whenDone(settingsStore.setCustomStatus(userId, null), ok -> {
            scheduleCustomExpiry(userId, null);
            update(userId, new PresenceUpdate.SetCustomStatus(null), s, m.id());
        }, error(s, m.id()));
    }

    private void scheduleCustomExpiry(String userId, CustomStatus status) {
        CustomStatusExpiry t = customExpiries.get(userId);
        if (status == null || status.expiresAt() == 0) {
            if (t != null) {
                wheel.cancel(t);
                customExpiries.remove(userId);
            }
            return;
        }
        if (t == null) {
            t = new CustomStatusExpiry(userId);
            customExpiries.put(userId, t);
        }
        long delayMs = Math.max(0, status.expiresAt() - ticker.millis());
        wheel.scheduleAfter(t, TimeUnit.MILLISECONDS.toNanos(delayMs));
    }

    private final class CustomStatusExpiry extends Timeout {
        final String userId;

        CustomStatusExpiry(String userId) {
            this.userId = userId;
        }

        @Override
        protected void expire() {
            customExpiries.remove(userId);
            // the aggregation drops a custom status whose expires_at has passed
            update(userId, new PresenceUpdate.Refresh(), null, null);
        }
    }

    private void subscribe(Session s, ClientMessage.Subscribe m) {
        List<String> fresh = new ArrayList<>(m.userIds().size());
        Set<String> current = s.subscriptions == null ? Set.of() : s.subscriptions;
        for (String id : m.userIds()) {
            if (!current.contains(id)) {
                fresh.add(id);
            }
        }
        int total = current.size() + fresh.size();
        if (total > options.maxSubscriptions()) {
            throw BeaconError.tooLarge("subscriptions are limited to " + options.maxSubscriptions() + " per session; this one has "
                    + current.size() + " and asked for " + fresh.size() + " more");
        }
        Set<String> subs = s.subscriptionsForWrite();
        List<Watch> newWatches = new ArrayList<>(fresh.size());
        List<CompletableFuture<Void>> live = null;
        for (String id : fresh) {
            Watch w = watches.get(id);
            if (w == null) {
                w = new Watch(id);
                watches.put(id, w);
                w.subscription = bus.subscribe(Channels.presence(id), busListener);
                stats.watchedUsers = watches.size();
            }
            CompletableFuture<Void> ready = w.subscription.ready();
            if (!ready.isDone()) {
                if (live == null) {
                    live = new ArrayList<>();
                }
                live.add(ready);
            }
            subs.add(w.userId); // the watch's copy of the id: one string per watched user, not one per subscriber
            w.pending++;
            newWatches.add(w);
        }
        // read once the bus subscriptions are live, so no change can fall between the read and the subscription
        CompletableFuture<Reads> read = live == null ? readAll(m.userIds())
                : CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).thenCompose(v -> readAll(m.userIds()));
        whenDone(read, reads -> {
            Map<String, Presence> found = reads.presences();
            for (Watch w : newWatches) {
                w.pending--;
                if (s.state != Session.State.ENDED && s.subscriptions != null && s.subscriptions.contains(w.userId)) {
                    w.watchers.add(s);
                } else {
                    dropIfUnwatched(w);
                }
            }
            if (s.state == Session.State.ENDED) {
                return;
            }
            for (Map.Entry<String, Presence> e : found.entrySet()) {
                Watch w = watches.get(e.getKey());
                if (w != null) {
                    w.offer(e.getValue());
                    if (w.rules == null) {
                        w.rules = reads.rules().get(e.getKey());
                        w.deliveredRules = w.rules;
                    }
                }
            }
            List<Presence> views = new ArrayList<>(m.userIds().size());
            for (String id : m.userIds()) {
                Watch w = watches.get(id);
                Presence p = w != null && w.presence != null ? w.presence : found.getOrDefault(id, Presence.unknown(id));
                PrivacyRules rules = w != null && w.rules != null ? w.rules : reads.rules().get(id);
                views.add(projection.project(s.userId(), p, rules));
            }
            s.send(Messages.presenceSnapshot(m.id(), views));
            for (Watch w : newWatches) {
                flushDeferred(w);
            }
        }, failure -> {
            for (Watch w : newWatches) {
                w.pending--;
                if (s.subscriptions != null) {
                    s.subscriptions.remove(w.userId);
                }
                dropIfUnwatched(w);
            }
            error(s, m.id()).accept(failure);
        });
    }

    private void unsubscribe(Session s, ClientMessage.Unsubscribe m) {
        if (s.subscriptions != null) {
            for (String id : m.userIds()) {
                if (s.subscriptions.remove(id)) {
                    unwatch(s, id);
                }
            }
        }
        ack(s, m.id());
    }

    private void unwatch(Session s, String target) {
        Watch w = watches.get(target);
        if (w == null) {
            return;
        }
        w.watchers.remove(s);
        dropIfUnwatched(w);
    }

    /** Drops a watch nobody holds or waits for, and with it the node's bus subscription. */
    private void dropIfUnwatched(Watch w) {
        if (w.watchers.isEmpty() && w.pending == 0 && watches.get(w.userId) == w) {
            watches.remove(w.userId);
            w.subscription.close();
            stats.watchedUsers = watches.size();
        }
    }

    private void query(Session s, ClientMessage.Query m) {
        whenDone(readAll(m.userIds()), reads -> s.send(Messages.presenceSnapshot(m.id(), reads.project(s.userId(), m.userIds()))),
                error(s, m.id()));
    }

    // ------------------------------------------------------------------ backend reads

    /**
     * The presence of {@code userIds} as {@code viewerId} may see it ({@code null} viewer: the public
     * view). Thread-safe: may be called from any thread.
     */
    public CompletableFuture<List<Presence>> read(String viewerId, Collection<String> userIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(userIds));
        return readAll(ids).thenApply(reads -> reads.project(viewerId, ids));
    }

    /** Presences and privacy rules of some users, read together. */
    private record Reads(Map<String, Presence> presences, Map<String, PrivacyRules> rules, Projection projection) {
        List<Presence> project(String viewerId, List<String> ids) {
            List<Presence> views = new ArrayList<>(ids.size());
            for (String id : ids) {
                views.add(projection.project(viewerId, presences.getOrDefault(id, Presence.unknown(id)), rules.get(id)));
            }
            return views;
        }
    }

    private CompletableFuture<Reads> readAll(List<String> ids) {
        return presenceStore.getAll(ids).thenCompose(this::withDurableState)
                .thenCombine(projection.rules(ids), (p, r) -> new Reads(p, r, projection));
    }

    /**
     * Users the presence store does not know (it may have lost them in a restart) are shown with what
     * the settings store keeps: offline, their last seen and custom status. The version is their last
     * seen, older than any version a live change will get.
     */
    private CompletableFuture<Map<String, Presence>> withDurableState(Map<String, Presence> found) {
        List<String> unknown = new ArrayList<>();
        for (Presence p : found.values()) {
            if (p.version() == 0) {
                unknown.add(p.userId());
            }
        }
        if (unknown.isEmpty()) {
            return CompletableFuture.completedFuture(found);
        }
        List<CompletableFuture<io.beacon.settings.UserSettings>> loads = new ArrayList<>(unknown.size());
        for (String id : unknown) {
            loads.add(settingsStore.get(id));
        }
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, Presence> out = new HashMap<>(found);
            long now = ticker.millis();
            for (int i = 0; i < unknown.size(); i++) {
                io.beacon.settings.UserSettings s = loads.get(i).join();
                CustomStatus custom = s.customStatus() != null && !s.customStatus().expiredAt(now) ? s.customStatus() : null;
                if (s.lastSeen() > 0 || custom != null) {
                    long version = Math.max(1, s.lastSeen());
                    out.put(unknown.get(i), new Presence(unknown.get(i), io.beacon.presence.Status.OFFLINE, null, custom, s.lastSeen(),
                            null, List.of(), version, s.manual() == io.beacon.presence.ManualStatus.INVISIBLE));
                }
            }
            return out;
        });
    }

    /**
     * The node is stopping cleanly: every user online here was last seen now. Returns when the settings
     * store has the values (it flushes them on close).
     */
    public CompletableFuture<Void> shutdown() {
        long now = ticker.millis();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (LocalUser u : users.values()) {
            if (u.liveSessions > 0) {
                // an invisible user's last seen stays frozen, as when they leave
                writes.add(presenceStore.get(u.userId).thenCompose(p -> p.invisible()
                        ? CompletableFuture.<Void>completedFuture(null) : settingsStore.setLastSeen(u.userId, now)));
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    /**
     * A page of a room's members, in the order they joined, as {@code viewerId} may see them
     * ({@code null}: the backend, who sees everyone). Thread-safe: may be called from any thread.
     *
     * @param afterSeq the {@code nextAfter} of the previous page, or 0 for the first
     */
    public CompletableFuture<io.beacon.rooms.RoomPage> roomMembers(String room, String viewerId, long afterSeq, int limit) {
        return rooms.members(room, viewerId, afterSeq, limit);
    }

    // ------------------------------------------------------------------ cluster mode

    /**
     * Another node died (its lease expired): the sessions it held end — in its users' presence, last seen
     * {@code endedAtMillis}, and in its rooms — and the changes are published like any other. The node's
     * users and rooms come from the store's index of what the node held. Call on the engine thread.
     *
     * @return completes when the store has every removal (then the index of the dead node may go)
     */
    public CompletableFuture<Void> removeNode(String nodeId, long endedAtMillis, Collection<String> userIds, Collection<String> roomIds) {
        Objects.requireNonNull(nodeId, "nodeId");
        List<CompletableFuture<?>> done = new ArrayList<>(userIds.size() + roomIds.size());
        for (String userId : userIds) {
            CompletableFuture<PresenceChange> f = presenceStore.update(userId, new PresenceUpdate.RemoveNode(nodeId, endedAtMillis), ticker.millis());
            done.add(f);
            whenDone(f, this::publish, failure -> LOG.log(System.Logger.Level.ERROR,
                    "could not remove the sessions of dead node " + nodeId + " from " + userId, failure));
        }
        done.addAll(rooms.removeNode(nodeId, roomIds));
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /**
     * Some writes did not reach the shared store (a command failed: Redis was slow or away, but kept
     * its data): what this node knows did not get there is stored again — the session ends and room
     * leaves it did not take, and the sessions of each local user one of whose writes failed. Cheap:
     * proportional to the failures. Call on the engine thread.
     *
     * @return completes when those writes are done (failures are logged, and kept for the next repair)
     */
    public CompletableFuture<Void> repair() {
        List<CompletableFuture<?>> done = new ArrayList<>();
        retryEnds(done);
        List<String> dirty = List.copyOf(unstoredUsers);
        unstoredUsers.clear();
        for (String userId : dirty) {
            LocalUser user = users.get(userId);
            if (user != null) {
                done.add(storeAgain(user));
            }
        }
        done.add(rooms.repair());
        countUnstored();
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /**
     * The shared store or bus may have lost something — Redis restarted, a failover lost the last
     * writes, a pub/sub link dropped and messages published meanwhile never arrived — so this node
     * makes them agree with what it holds, changing nothing where they already do: settings caches
     * are emptied and watched users' rules reloaded (their invalidations may be lost); what
     * {@link #repair} stores is stored; every local session and room membership is stored again; and
     * every watched user and local room is read again. Call on the engine thread.
     *
     * @return completes when every session and membership is stored again (failures are logged)
     */
    public CompletableFuture<Void> resync() {
        settingsStore.invalidateAll();
        for (String watched : List.copyOf(watches.keySet())) {
            onSettingsChanged(watched);
        }
        List<CompletableFuture<?>> done = new ArrayList<>();
        retryEnds(done);
        unstoredUsers.clear();
        for (LocalUser user : users.values()) {
            done.add(storeAgain(user));
        }
        List<String> watched = new ArrayList<>(watches.keySet());
        for (int from = 0; from < watched.size(); from += 1_000) {
            List<String> chunk = watched.subList(from, Math.min(watched.size(), from + 1_000));
            whenDone(presenceStore.getAll(chunk).thenCompose(this::withDurableState), found -> {
                List<String> lost = new ArrayList<>();
                for (Presence p : found.values()) {
                    if (p.version() > 0) {
                        deliver(p);
                    } else if (shownPresent(p.userId())) {
                        lost.add(p.userId());
                    }
                }
                if (!lost.isEmpty()) {
                    // the store forgot users its viewers see present (Redis restarted empty): their nodes store them
                    // again meanwhile; those still unknown then are gone (their node died with the data)
                    wheel.scheduleAfter(new LostUsersCheck(lost), TimeUnit.MILLISECONDS.toNanos(LOST_USERS_CHECK_MS));
                }
            }, failure -> LOG.log(System.Logger.Level.ERROR, "could not read watched users again", failure));
        }
        done.add(rooms.resync());
        countUnstored();
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
    }

    /** How long after a resync users the store forgot are read again, before their viewers are told they are gone. */
    static final long LOST_USERS_CHECK_MS = 3_000;

    /** Whether the local viewers of a watched user hold a presence that is not offline. */
    private boolean shownPresent(String userId) {
        Watch w = watches.get(userId);
        return w != null && w.presence != null && w.presence.version() > 0 && w.presence.publicStatus() != io.beacon.presence.Status.OFFLINE;
    }

    /** Reads again users the store forgot; those still unknown get a newer version, so their viewers see them offline. */
    private final class LostUsersCheck extends io.beacon.time.Timeout {
        private final List<String> userIds;

        LostUsersCheck(List<String> userIds) {
            this.userIds = userIds;
        }

        @Override
        protected void expire() {
            whenDone(presenceStore.getAll(userIds), found -> {
                for (Presence p : found.values()) {
                    if (p.version() > 0) {
                        deliver(p);
                    } else if (shownPresent(p.userId())) {
                        bumpVersion(p.userId());
                    }
                }
            }, failure -> LOG.log(System.Logger.Level.ERROR, "could not read users the store forgot", failure));
        }
    }

    /** Tries again the session ends the store did not take; a user the store lost meanwhile gets a newer version. */
    private void retryEnds(List<CompletableFuture<?>> done) {
        List<PresenceUpdate.RemoveSession> ends = List.copyOf(unstoredEnds);
        List<String> endUsers = List.copyOf(unstoredEndUsers);
        unstoredEnds.clear();
        unstoredEndUsers.clear();
        for (int i = 0; i < ends.size(); i++) {
            String userId = endUsers.get(i);
            CompletableFuture<PresenceChange> end = endInStore(userId, ends.get(i));
            done.add(end);
            whenDone(end, change -> {
                if (!change.changed() && !users.containsKey(userId)) {
                    // the store lost the session (Redis restarted empty): viewers still hold what it showed
                    bumpVersion(userId);
                }
            }, failure -> { });
        }
    }

    /** Stores a local user's durable state (if the store lost it) and every session again, under this node's id. */
    private CompletableFuture<Void> storeAgain(LocalUser user) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        whenDone(settingsStore.get(user.userId), settings -> putAgain(user, settings, stored), failure -> {
            // as on connect: the sessions go back without the settings, which the next resync brings
            LOG.log(System.Logger.Level.ERROR, "could not load the settings of " + user.userId + "; storing its sessions without them", failure);
            putAgain(user, null, stored);
        });
        return stored;
    }

    /** On the engine thread, so the sessions are read as they are now. */
    private void putAgain(LocalUser user, io.beacon.settings.UserSettings settings, CompletableFuture<Void> stored) {
        String userId = user.userId;
        List<CompletableFuture<PresenceChange>> puts = new ArrayList<>(user.sessions.size() + 1);
        long now = ticker.millis();
        if (settings != null) {
            puts.add(presenceStore.update(userId, new PresenceUpdate.Seed(settings.manual(), settings.customStatus(), settings.lastSeen()), now));
        }
        for (Session s : user.sessions) {
            if (s.state != Session.State.ENDED) {
                puts.add(presenceStore.update(userId, new PresenceUpdate.PutSession(s.record(nodeId)), now));
            }
        }
        whenDone(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)), ok -> {
            for (CompletableFuture<PresenceChange> put : puts) {
                publish(put.join());
            }
            stored.complete(null);
        }, failure -> {
            LOG.log(System.Logger.Level.ERROR, "could not store again the sessions of " + userId, failure);
            if (users.containsKey(userId)) {
                unstoredUsers.add(userId);
                countUnstored();
            }
            stored.completeExceptionally(failure);
        });
    }

    /**
     * This cluster node was given up for dead (its lease expired while it could not reach Redis) and
     * another node may now remove everything stored under its old id: it takes {@code newNodeId} and
     * stores every session and membership again under it ({@link #resync}). Removing what is left
     * under the old id — sessions that ended meanwhile — is then the same as for any dead node
     * ({@link #removeNode}). Call on the engine thread.
     *
     * @return completes when everything is stored under the new id
     */
    public CompletableFuture<Void> rebirth(String newNodeId) {
        Objects.requireNonNull(newNodeId, "newNodeId");
        if (newNodeId.equals(nodeId)) {
            throw new IllegalArgumentException("a reborn node needs a new id; " + newNodeId + " is the current one");
        }
        LOG.log(System.Logger.Level.WARNING, "node " + nodeId + " was given up for dead; it goes on as " + newNodeId);
        nodeId = newNodeId;
        return resync();
    }

    // ------------------------------------------------------------------ privacy and backend control

    /**
     * A user's privacy settings, contacts or blocks changed (the write is already durable): every node
     * reloads the rules it holds for the user, then the version grows so every viewer gets their new
     * view — the real presence for a newly allowed viewer, a plain {@code offline} for a newly refused
     * one. Call on the engine thread.
     */
    public void settingsChanged(String userId) {
        // on the presence channel, so that every node sees it before the version bump that follows
        bus.publish(Channels.presence(userId), new BusMessage.SettingsChanged(userId));
        // and to every node: caches are emptied everywhere, and the user's rooms learn the new blocks
        bus.publish(Channels.settings(), new BusMessage.SettingsChanged(userId));
        bumpVersion(userId);
    }

    /** The user's version grows, so every viewer gets a view newer than what they hold. */
    private void bumpVersion(String userId) {
        // a user the presence store does not know yet is loaded first, so the bump cannot hide their durable state
        whenDone(settingsStore.get(userId), settings -> {
            update(userId, new PresenceUpdate.Seed(settings.manual(), settings.customStatus(), settings.lastSeen()), null, null);
            update(userId, new PresenceUpdate.Bump(), null, null);
        }, failure -> {
            LOG.log(System.Logger.Level.ERROR, "could not load the settings of " + userId, failure);
            update(userId, new PresenceUpdate.Bump(), null, null);
        });
    }

    /** Ends every session of a user on every node at once (close 4005), without offline grace. */
    public void disconnectUser(String userId) {
        bus.publish(Channels.user(userId), new BusMessage.DisconnectUser(userId));
    }

    private void onSettingsChanged(String userId) {
        settingsStore.invalidate(userId); // another node may have written it: drop what this node cached
        Watch w = watches.get(userId);
        if (w == null) {
            return;
        }
        CompletableFuture<PrivacyRules> reload = projection.rules(userId);
        w.reloading = reload;
        whenDone(reload, rules -> {
            if (w.reloading != reload) {
                return; // a newer reload supersedes this one
            }
            w.reloading = null;
            w.rules = rules;
            flushDeferred(w);
        }, failure -> {
            // fail closed: until the rules can be read, nobody but the user sees them
            LOG.log(System.Logger.Level.ERROR, "could not reload the privacy rules of " + userId + "; hiding them until they can", failure);
            if (w.reloading == reload) {
                w.reloading = null;
                w.rules = PrivacyRules.CLOSED;
                flushDeferred(w);
            }
        });
    }

    /** Delivers, in order, what arrived while the watch's rules were loading. */
    private void flushDeferred(Watch w) {
        List<Presence> waiting = w.deferred;
        if (waiting == null || w.rules == null || w.reloading != null) {
            return;
        }
        w.deferred = null;
        for (Presence p : waiting) {
            deliver(p);
        }
    }

    private void disconnectLocal(String userId) {
        LocalUser user = users.get(userId);
        if (user == null) {
            return;
        }
        long now = ticker.millis();
        for (Session s : List.copyOf(user.sessions)) {
            Connection c = s.connection;
            if (c != null) {
                c.session = null;
                c.engineClosed = true;
                stats.connections--;
                c.close(Connection.CLOSE_DISCONNECTED_BY_SERVER, "disconnected by the server");
            }
            s.connection = null;
            setLive(s, false);
            s.endedAtMillis = now;
            endSession(s); // no grace: the backend wants them gone, and no resume
        }
    }

    // ------------------------------------------------------------------ store, bus, fan-out

    private void putSession(Session s) {
        putSession(s, null);
    }

    private void putSession(Session s, String ackId) {
        if (s.state == Session.State.ENDED) {
            return;
        }
        update(s.userId(), new PresenceUpdate.PutSession(s.record(nodeId)), s, ackId);
    }

    /** Applies an update, publishes the change if any, then acks {@code ackId} to {@code requester}. */
    private void update(String userId, PresenceUpdate u, Session requester, String ackId) {
        whenDone(presenceStore.update(userId, u, ticker.millis()), change -> {
            publish(change);
            if (requester != null && ackId != null) {
                requester.send(Messages.ack(ackId));
            }
        }, failure -> {
            if (users.containsKey(userId)) {
                unstoredUsers.add(userId); // the store may not show what this node holds: repair() stores it again
                countUnstored();
            }
            if (requester != null) {
                error(requester, ackId).accept(failure);
            } else {
                LOG.log(System.Logger.Level.ERROR, "store operation for " + userId + " failed", failure);
            }
        });
    }

    private void publish(PresenceChange change) {
        if (!change.changed()) {
            return;
        }
        Presence after = change.after();
        if (after.lastSeen() > change.before().lastSeen()) {
            settingsStore.setLastSeen(after.userId(), after.lastSeen()).exceptionally(e -> {
                LOG.log(System.Logger.Level.WARNING, "could not store last seen of " + after.userId(), e);
                return null;
            });
        }
        stats.presenceChanges++;
        bus.publish(Channels.presence(after.userId()), new BusMessage.PresenceChanged(after));
    }

    private void onBusMessage(String channel, BusMessage message) {
        switch (message) {
            case BusMessage.PresenceChanged pc -> executor.execute(() -> deliver(pc.presence()));
            case BusMessage.SettingsChanged sc -> executor.execute(() -> onSettingsChanged(sc.userId()));
            case BusMessage.DisconnectUser du -> executor.execute(() -> disconnectLocal(du.userId()));
            default -> LOG.log(System.Logger.Level.WARNING, "unexpected " + message.getClass().getSimpleName() + " on " + channel);
        }
    }

    private void onControlMessage(String channel, BusMessage message) {
        switch (message) {
            case BusMessage.DisconnectUser du -> executor.execute(() -> disconnectLocal(du.userId()));
            default -> LOG.log(System.Logger.Level.WARNING, "unexpected " + message.getClass().getSimpleName() + " on " + channel);
        }
    }

    /** A user's settings changed on some node: forget what this node cached, and refresh the user's rooms here. */
    private void onSettingsBroadcast(String userId) {
        settingsStore.invalidate(userId); // another node may have made the write
        LocalUser u = users.get(userId);
        if (u != null) {
            rooms.rulesChanged(u);
        }
    }

    /** Fans a stored presence out to the local watchers of its user, each through the projection. */
    private void deliver(Presence p) {
        Watch w = watches.get(p.userId());
        if (w == null) {
            return;
        }
        if (w.reloading != null || w.rules == null) {
            w.defer(p); // the rules are changing (or not loaded yet): no view may use stale ones
            return;
        }
        Presence old = w.presence;
        if (!w.offer(p)) {
            return;
        }
        PrivacyRules oldRules = w.deliveredRules;
        PrivacyRules rules = w.rules;
        w.deliveredRules = rules;
        Presence lastView = null;
        ServerMessage lastMessage = null;
        for (Session s : w.watchers) {
            Presence view = projection.project(s.userId(), p, rules);
            boolean hidden = view.version() == 0;
            Presence oldView = old == null ? null : projection.project(s.userId(), old, oldRules);
            if (oldView != null && view.sameAs(oldView) && (hidden == (oldView.version() == 0))) {
                continue; // nothing this viewer may see changed
            }
            if (hidden) {
                if (oldView == null || oldView.version() == 0) {
                    continue; // hidden before and now: silence
                }
                // access lost: one plain offline, newer than what they hold, then silence
                view = Presence.unknown(p.userId()).withVersion(p.publicVersion());
            }
            if (lastView == null || view != lastView && !(view.sameAs(lastView) && view.version() == lastView.version())) {
                lastView = view;
                lastMessage = Messages.presence(view);
            }
            s.send(lastMessage);
            stats.deliveries++;
        }
    }

    /**
     * Runs {@code then} on the engine thread when {@code f} completes: at once when it already has
     * (the in-memory stores), else through the executor. Failures go to {@code onError}, or the log.
     */
    <T> void whenDone(CompletableFuture<T> f, Consumer<T> then, Consumer<Throwable> onError) {
        if (f.isDone() && !f.isCompletedExceptionally()) {
            then.accept(f.join());
            return;
        }
        f.whenCompleteAsync((value, failure) -> {
            if (failure == null) {
                then.accept(value);
            } else if (onError != null) {
                onError.accept(failure);
            } else {
                LOG.log(System.Logger.Level.ERROR, "store operation failed", failure);
            }
        }, executor);
    }

    private Consumer<Throwable> error(Session s, String rawId) {
        return failure -> {
            LOG.log(System.Logger.Level.ERROR, "store operation for session " + s.id + " failed", failure);
            s.send(Messages.error(rawId, ErrorCode.INTERNAL, "the presence store failed; try again"));
        };
    }

    private final class HelloTimer extends Timeout {
        final Connection conn;

        HelloTimer(Connection conn) {
            this.conn = conn;
        }

        @Override
        protected void expire() {
            conn.helloTimer = null;
            if (conn.session != null || conn.engineClosed) {
                return;
            }
            conn.engineClosed = true;
            stats.connections--;
            conn.send(Messages.error(null, ErrorCode.UNAUTHORIZED, "no hello within " + options.helloTimeoutMs() + " ms"));
            conn.close(Connection.CLOSE_UNAUTHORIZED, "no hello");
        }
    }
}
