package io.beacon.presence;

import java.util.Objects;

/**
 * One atomic change to a user's {@link UserRecord}. A store applies it with {@link Aggregation#apply}
 * so that every implementation computes the same presence.
 */
public sealed interface PresenceUpdate {

    /**
     * Loads the durable inputs (from the settings store) into a record; ignored once a record was
     * seeded (the store's copy is newer then).
     */
    record Seed(ManualStatus manual, CustomStatus customStatus, long lastSeen) implements PresenceUpdate {
        public Seed {
            Objects.requireNonNull(manual, "manual");
        }
    }

    /** Adds or replaces a session. */
    record PutSession(SessionRecord session) implements PresenceUpdate {
        public PutSession {
            Objects.requireNonNull(session, "session");
        }
    }

    /** Removes a session; when it was the last one, {@code endedAt} becomes the user's last seen. */
    record RemoveSession(String sessionId, long endedAt) implements PresenceUpdate {
        public RemoveSession {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** Removes every session of one node (its lease expired). */
    record RemoveNode(String nodeId, long endedAt) implements PresenceUpdate {
        public RemoveNode {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    record SetManual(ManualStatus manual) implements PresenceUpdate {
        public SetManual {
            Objects.requireNonNull(manual, "manual");
        }
    }

    /** Sets ({@code customStatus} non-null) or clears the custom status. */
    record SetCustomStatus(CustomStatus customStatus) implements PresenceUpdate {
    }

    /**
     * The version grows although the presence did not change, so that every viewer's new view is newer
     * than what they hold: the user's privacy settings, contacts or blocks changed (a viewer may now be
     * shown or refused), or a cluster store lost writes its viewers had seen.
     */
    record Bump() implements PresenceUpdate {
    }

    /** Recomputes the presence without changing inputs: used when an expiry passes. */
    record Refresh() implements PresenceUpdate {
    }
}
