package io.beacon.rooms;

import java.util.Objects;
import java.util.Set;

/**
 * One atomic change to a room, applied by a {@link io.beacon.presence.PresenceStore} with
 * {@link RoomRecord#apply} (or an equivalent script) so every implementation agrees.
 */
public sealed interface RoomUpdate {

    /** The one member this update is about, or {@code null} for {@link RemoveNode} (every member). */
    static String member(RoomUpdate update) {
        return switch (update) {
            case Join j -> j.userId();
            case Leave l -> l.userId();
            case SetMeta sm -> sm.userId();
            case SetBlocks sb -> sb.userId();
            case RemoveNode rn -> null;
        };
    }

    /**
     * A session joins (or, already in, replaces its entry). A user not yet in the room is refused with
     * {@link RoomChange.Outcome#ROOM_FULL} when the room already has {@code maxMembers} users.
     *
     * @param blocks the user's blocked users now (replaces what the member held)
     */
    record Join(String userId, RoomSession session, Set<String> blocks, int maxMembers) implements RoomUpdate {
        public Join {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(session, "session");
            blocks = Set.copyOf(blocks);
            if (maxMembers < 1) {
                throw new IllegalArgumentException("maxMembers must be >= 1, was " + maxMembers);
            }
        }
    }

    /** A session leaves; the user leaves with their last session. Unknown sessions change nothing. */
    record Leave(String userId, String sessionId) implements RoomUpdate {
        public Leave {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** Replaces one session's meta (compact JSON of an object). */
    record SetMeta(String userId, String sessionId, String meta) implements RoomUpdate {
        public SetMeta {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(meta, "meta");
        }
    }

    /** The member's blocked users changed (their settings did). */
    record SetBlocks(String userId, Set<String> blocks) implements RoomUpdate {
        public SetBlocks {
            Objects.requireNonNull(userId, "userId");
            blocks = Set.copyOf(blocks);
        }
    }

    /** Removes every session held by a node (its lease expired). */
    record RemoveNode(String nodeId) implements RoomUpdate {
        public RemoveNode {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }
}
