package io.beacon.privacy;

import io.beacon.presence.Presence;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The one step every outbound presence goes through: what {@code viewer} may see of a stored
 * presence, and which room members and signals they are shown ({@link #showsRoomMember}).
 * Subscriptions, snapshots, queries, room snapshots, diffs and signals, SSE and REST with a viewer all
 * call it; nothing emits presence around it.
 *
 * <p>Projecting is split in two so that the hot path never waits: {@link #rules} loads what the
 * projection needs about a target (asynchronously, from the settings store), and {@link #project}
 * is a pure, non-blocking function of the viewer, the presence and those rules. The engine keeps
 * the rules of every watched user beside its presence and reloads them when the user's settings
 * change. {@code project} returns the same instance for viewers who see the same thing where it
 * can, so that fan-out encodes one message for all of them.
 */
public interface Projection {

    /** Loads the rules of one target; never fails for an unknown user (defaults apply). */
    CompletableFuture<PrivacyRules> rules(String targetId);

    /**
     * @param viewerId the user looking, or {@code null} for the backend without a viewer (sees the
     *                 public presence: invisible users offline, nothing else hidden)
     * @return the view; {@link Presence#unknown} (version 0) when the viewer may not see the target
     */
    Presence project(String viewerId, Presence target, PrivacyRules rules);

    /**
     * Whether {@code viewerId} is shown {@code member} in a room they share, and the member's signals
     * there: joining a room is an explicit act of being present, so visibility and invisibility do not
     * hide a member, but blocks do (contract §3). A {@code null} viewer (the backend) sees everyone.
     */
    default boolean showsRoomMember(String viewerId, io.beacon.rooms.RoomMember member) {
        return viewerId == null || viewerId.equals(member.userId()) || !member.blocks().contains(viewerId);
    }

    /** The rules of several targets. */
    default CompletableFuture<Map<String, PrivacyRules>> rules(Collection<String> targetIds) {
        List<String> ids = List.copyOf(targetIds);
        @SuppressWarnings("unchecked")
        CompletableFuture<PrivacyRules>[] all = new CompletableFuture[ids.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = rules(ids.get(i));
        }
        return CompletableFuture.allOf(all).thenApply(v -> {
            Map<String, PrivacyRules> out = new HashMap<>(ids.size() * 2);
            for (int i = 0; i < all.length; i++) {
                out.put(ids.get(i), all[i].join());
            }
            return out;
        });
    }

    /**
     * Shows everyone the public presence, and a user their own true one: only rule 2 of contract §2
     * (invisible looks offline to others), which depends on who looks.
     */
    Projection PUBLIC = new Projection() {
        private final CompletableFuture<PrivacyRules> open = CompletableFuture.completedFuture(PrivacyRules.OPEN);

        @Override
        public CompletableFuture<PrivacyRules> rules(String targetId) {
            return open;
        }

        @Override
        public Presence project(String viewerId, Presence target, PrivacyRules rules) {
            return PresenceViews.publicOrSelf(viewerId, target);
        }
    };
}
