package io.beacon.engine;

import io.beacon.bus.BusSubscription;
import io.beacon.presence.Presence;
import java.util.HashSet;
import java.util.Set;

/**
 * The local sessions watching one user, the newest presence of that user this node has seen, and the
 * node's one bus subscription for that user. Engine-thread confined.
 */
final class Watch {
    final String userId;
    final Set<Session> watchers = new HashSet<>(4);
    Presence presence;
    /** Sessions that subscribed and wait for their snapshot before joining {@link #watchers}. */
    int pending;
    BusSubscription subscription;

    Watch(String userId) {
        this.userId = userId;
    }

    /** Keeps the newer of the held and the given presence; true when the given one was newer. */
    boolean offer(Presence p) {
        if (presence == null || p.version() > presence.version()) {
            presence = p;
            return true;
        }
        return false;
    }
}
