package io.beacon.presence;

import java.util.Objects;

/**
 * What the {@link PresenceStore} keeps about one session: only what changes rarely. The moment of
 * the last frame (the heartbeat) is deliberately absent: it stays on the node that holds the
 * connection, so a heartbeat never reaches the store.
 *
 * @param activity      the session's activity label or {@code null}
 * @param activitySetAt epoch ms when the activity was set (the user's activity is the latest one)
 * @param activityExpiresAt epoch ms, {@code 0} = never
 */
public record SessionRecord(String sessionId, String nodeId, Device device, boolean idle, long connectedAt,
                            String activity, long activitySetAt, long activityExpiresAt) {
    public SessionRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(device, "device");
    }

    public SessionRecord withIdle(boolean newIdle) {
        return new SessionRecord(sessionId, nodeId, device, newIdle, connectedAt, activity, activitySetAt, activityExpiresAt);
    }

    public SessionRecord withActivity(String label, long setAt, long expiresAt) {
        return new SessionRecord(sessionId, nodeId, device, idle, connectedAt, label, setAt, expiresAt);
    }

    boolean hasActivityAt(long nowMillis) {
        return activity != null && (activityExpiresAt == 0 || activityExpiresAt > nowMillis);
    }
}
