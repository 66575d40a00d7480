package io.beacon.engine;

import io.beacon.bus.BusSubscription;
import io.beacon.presence.Presence;
import io.beacon.privacy.PrivacyRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The local sessions watching one user, the newest presence of that user this node has seen, and the
 * node's one bus subscription for that user. Engine-thread confined.
 */
final class Watch {
    final String userId;
    final Set<Session> watchers = new CompactSet<>();
    Presence presence;
    /** Sessions that subscribed and wait for their snapshot before joining {@link #watchers}. */
    int pending;
    /** The target's privacy rules now; {@code null} until first loaded. */
    PrivacyRules rules;
    /** The rules the watchers' current views were computed with (differs from {@link #rules} after a settings change). */
    PrivacyRules deliveredRules;
    /** Set while new rules load after a settings change; deliveries wait for it. */
    CompletableFuture<PrivacyRules> reloading;
    /** Presences that arrived while the rules were reloading, in order. */
    List<Presence> deferred;
    BusSubscription subscription;

    Watch(String userId) {
        this.userId = userId;
    }

    void defer(Presence p) {
        if (deferred == null) {
            deferred = new ArrayList<>(2);
        }
        deferred.add(p);
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
