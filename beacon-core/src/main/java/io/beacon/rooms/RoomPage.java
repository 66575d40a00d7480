package io.beacon.rooms;

import java.util.List;
import java.util.Objects;

/**
 * One page of a room's members in {@link RoomMember#seq()} order.
 *
 * @param count     members in the whole room
 * @param nextAfter the {@code afterSeq} that reads the next page, or {@code 0} when this is the last
 */
public record RoomPage(String room, long version, int count, List<RoomMember> members, long nextAfter) {
    public RoomPage {
        Objects.requireNonNull(room, "room");
        members = List.copyOf(members);
    }
}
