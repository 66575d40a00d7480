package io.beacon.bus;

import io.beacon.presence.Presence;
import io.beacon.rooms.RoomChange;
import java.util.Objects;

/** What travels on the {@link Bus}. */
public sealed interface BusMessage {

    /** A user's stored presence changed; carries the whole new presence (unprojected). */
    record PresenceChanged(Presence presence) implements BusMessage {
        public PresenceChanged {
            Objects.requireNonNull(presence, "presence");
        }
    }

    /** A user's settings, contacts or blocks changed: caches drop the user and views are recomputed. */
    record SettingsChanged(String userId) implements BusMessage {
        public SettingsChanged {
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** The backend asked to end every session of a user. */
    record DisconnectUser(String userId) implements BusMessage {
        public DisconnectUser {
            Objects.requireNonNull(userId, "userId");
        }
    }

    /** A room changed (published on the room's channel after the store applied it). */
    record RoomChanged(RoomChange change) implements BusMessage {
        public RoomChanged {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * An ephemeral room message from one session (contract §4), published on the room's channel.
     *
     * @param data compact JSON, or {@code null}
     */
    record RoomSignal(String room, String userId, String sessionId, String kind, String data) implements BusMessage {
        public RoomSignal {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(kind, "kind");
        }
    }
}
