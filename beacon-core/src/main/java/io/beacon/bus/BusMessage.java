package io.beacon.bus;

import io.beacon.presence.Presence;
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
}
