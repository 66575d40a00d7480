package io.beacon.rooms;

import io.beacon.presence.Device;
import java.util.Objects;

/**
 * One session's presence in a room.
 *
 * @param nodeId   the node that holds the session (not shown to clients; a dead node's sessions are removed by it)
 * @param meta     the session's meta as compact JSON of an object ({@code {"mode":"editing"}}), never {@code null}
 * @param joinedAt epoch ms when the session joined the room
 */
public record RoomSession(String sessionId, String nodeId, Device device, String meta, long joinedAt) {
    /** The meta of a session that gave none. */
    public static final String EMPTY_META = "{}";

    public RoomSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(device, "device");
        meta = meta == null ? EMPTY_META : meta;
    }

    public RoomSession withMeta(String newMeta) {
        return new RoomSession(sessionId, nodeId, device, newMeta, joinedAt);
    }
}
