package io.beacon.rooms;

import java.util.List;
import java.util.Objects;

/**
 * A whole room at one version: every member in {@link RoomMember#seq()} order. A room nobody is in
 * is version 0 with no members.
 */
public record RoomState(String room, long version, List<RoomMember> members) {
    public RoomState {
        Objects.requireNonNull(room, "room");
        members = List.copyOf(members);
    }

    public static RoomState empty(String room) {
        return new RoomState(room, 0, List.of());
    }

    public int count() {
        return members.size();
    }
}
