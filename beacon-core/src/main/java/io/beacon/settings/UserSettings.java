package io.beacon.settings;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import java.util.Objects;

/**
 * A user's durable settings. {@code visibility} and {@code lastSeenVisibility} are {@code null} when the
 * user never chose one: the server-wide default ({@code BEACON_DEFAULT_VISIBILITY}) applies then.
 *
 * @param customStatus {@code null} when none
 * @param lastSeen     epoch ms, {@code 0} = never seen
 */
public record UserSettings(Visibility visibility, Visibility lastSeenVisibility, LastSeenPrecision lastSeenPrecision,
                           ManualStatus manual, CustomStatus customStatus, long lastSeen) {
    public static final UserSettings DEFAULTS =
            new UserSettings(null, null, LastSeenPrecision.EXACT, ManualStatus.AUTO, null, 0);

    public UserSettings {
        Objects.requireNonNull(lastSeenPrecision, "lastSeenPrecision");
        Objects.requireNonNull(manual, "manual");
    }

    public UserSettings withManual(ManualStatus m) {
        return new UserSettings(visibility, lastSeenVisibility, lastSeenPrecision, m, customStatus, lastSeen);
    }

    public UserSettings withCustomStatus(CustomStatus c) {
        return new UserSettings(visibility, lastSeenVisibility, lastSeenPrecision, manual, c, lastSeen);
    }

    public UserSettings withLastSeen(long l) {
        return new UserSettings(visibility, lastSeenVisibility, lastSeenPrecision, manual, customStatus, l);
    }

    public UserSettings withPrivacy(Visibility v, Visibility lsv, LastSeenPrecision p) {
        return new UserSettings(v, lsv, Objects.requireNonNull(p, "lastSeenPrecision"), manual, customStatus, lastSeen);
    }
}
