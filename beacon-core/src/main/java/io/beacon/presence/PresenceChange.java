package io.beacon.presence;

import java.util.Objects;

/**
 * The result of applying a {@link PresenceUpdate}: the presence before and after. When nothing a
 * viewer could see changed, {@code after == before} (same version) and {@link #changed()} is false.
 */
public record PresenceChange(Presence before, Presence after) {
    public PresenceChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    public boolean changed() {
        return after.version() != before.version();
    }

    public String userId() {
        return after.userId();
    }
}
