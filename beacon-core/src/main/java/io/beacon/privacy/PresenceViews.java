package io.beacon.privacy;

import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import java.util.List;

/** The building blocks of projections: the self view, the public view, the hidden view. */
public final class PresenceViews {
    private PresenceViews() {
    }

    /** The user's own view of themselves: the true status (an invisible user sees they are online). */
    public static Presence self(Presence p) {
        return p.invisible()
                ? new Presence(p.userId(), p.status(), p.activity(), p.customStatus(), p.lastSeen(), null, p.devices(), p.version(), false)
                : p;
    }

    /**
     * What anyone else sees before personal privacy rules: an invisible user is offline with no
     * devices or activity, keeps last seen and custom status as an offline user would, and shows the
     * version of the last change others could see.
     */
    public static Presence publicView(Presence p) {
        if (!p.invisible()) {
            return p;
        }
        return new Presence(p.userId(), Status.OFFLINE, null, p.customStatus(), p.lastSeen(), null, List.of(), p.publicVersion(), false);
    }

    /** The view with last seen replaced: {@code 0} and {@code null} hide it. */
    public static Presence withLastSeen(Presence p, long lastSeen, String approx) {
        return new Presence(p.userId(), p.status(), p.activity(), p.customStatus(), lastSeen, approx, p.devices(), p.version(),
                p.invisible(), p.publicVersion());
    }

    static Presence publicOrSelf(String viewerId, Presence target) {
        return target.userId().equals(viewerId) ? self(target) : publicView(target);
    }
}
