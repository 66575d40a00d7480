package io.beacon.presence;

import java.util.Map;
import java.util.Objects;

/**
 * Everything the {@link PresenceStore} keeps about one user: the sessions (live, or ended and still
 * inside the offline grace), the durable inputs of aggregation copied from the settings, and the last
 * computed presence with its version. Immutable; a store replaces it atomically.
 *
 * @param seeded whether the durable inputs were loaded from the settings store ({@link PresenceUpdate.Seed})
 */
public record UserRecord(String userId, Map<String, SessionRecord> sessions, ManualStatus manual,
                         CustomStatus customStatus, long lastSeen, Presence presence, boolean seeded) {
    public UserRecord {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(manual, "manual");
        Objects.requireNonNull(presence, "presence");
        sessions = Map.copyOf(sessions);
    }

    /** A user the store has never seen. */
    public static UserRecord empty(String userId) {
        return new UserRecord(userId, Map.of(), ManualStatus.AUTO, null, 0, Presence.unknown(userId), false);
    }

    public long version() {
        return presence.version();
    }
}
