package io.beacon.engine;

import io.beacon.presence.Device;
import io.beacon.presence.SessionRecord;
import io.beacon.protocol.ServerMessage;
import io.beacon.time.Timeout;
import java.util.List;
import java.util.Set;

/**
 * One session on this node. Engine-thread confined. Kept small on purpose: an idle session is
 * this object, two timer nodes and its connection.
 */
final class Session {
    enum State { LIVE, LINGERING, ENDED }

    final PresenceEngine engine;
    final String id;
    final LocalUser user;
    final Device device;
    final long connectedAtMillis;
    /** The {@code rooms} claim of the token of the latest hello: the rooms this session may be in. */
    List<String> roomClaim;
    String resumeToken;
    Connection connection;
    State state = State.LIVE;

    boolean idle;
    long lastActiveNanos;
    String activity;
    long activitySetAt;
    long activityExpiresAt;
    /** Whether the session's token expires, and when (ticker nanos). */
    boolean tokenExpires;
    long tokenDeadline;
    /** Wall-clock ms at which the connection ended (meaningful while lingering). */
    long endedAtMillis;

    /** Target user ids this session watches; null until the first subscribe. */
    Set<String> subscriptions;
    /** The rooms this session is in and its signal budget; null until the first join. */
    SessionRooms rooms;

    final LivenessTimer liveness = new LivenessTimer();
    final IdleTimer idleTimer = new IdleTimer();
    ActivityTimer activityTimer;

    Session(PresenceEngine engine, String id, LocalUser user, Device device, long connectedAtMillis, List<String> rooms) {
        this.engine = engine;
        this.id = id;
        this.user = user;
        this.device = device;
        this.connectedAtMillis = connectedAtMillis;
        this.roomClaim = rooms;
    }

    String userId() {
        return user.userId;
    }

    SessionRecord record(String nodeId) {
        return new SessionRecord(id, nodeId, device, idle, connectedAtMillis, activity, activitySetAt, activityExpiresAt);
    }

    void send(ServerMessage m) {
        Connection c = connection;
        if (c != null) {
            c.send(m);
        }
    }

    Set<String> subscriptionsForWrite() {
        if (subscriptions == null) {
            subscriptions = new CompactSet<>();
        }
        return subscriptions;
    }

    int subscriptionCount() {
        return subscriptions == null ? 0 : subscriptions.size();
    }

    /** Liveness while live (ping at half the TTL, death at the TTL), then the offline grace while lingering. */
    final class LivenessTimer extends Timeout {
        @Override
        protected void expire() {
            engine.onLivenessTimer(Session.this);
        }
    }

    final class IdleTimer extends Timeout {
        @Override
        protected void expire() {
            engine.onIdleTimer(Session.this);
        }
    }

    final class ActivityTimer extends Timeout {
        @Override
        protected void expire() {
            engine.onActivityExpired(Session.this);
        }
    }
}
