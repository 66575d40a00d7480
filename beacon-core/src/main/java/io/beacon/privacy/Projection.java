package io.beacon.privacy;

import io.beacon.presence.Presence;

/**
 * The one step every outbound presence goes through: what {@code viewer} may see of a stored
 * presence. Subscriptions, snapshots, queries, SSE and REST with a viewer all call it; nothing emits
 * presence around it.
 *
 * <p>Implementations must not block: they are called on the engine thread for every delivery. They
 * return the same instance for viewers who see the same thing where they can, so that fan-out
 * encodes one message for all of them.
 */
@FunctionalInterface
public interface Projection {

    /**
     * @param viewerId the user looking, or {@code null} for the backend without a viewer (sees the
     *                 public presence)
     */
    Presence project(String viewerId, Presence target);

    /**
     * Shows everyone the public presence, and a user their own true one. Rule 2 of contract §2
     * (invisible looks offline to others) applies here because it depends on who looks.
     */
    Projection PUBLIC = PresenceViews::publicOrSelf;
}
