package io.beacon.rooms;

import java.util.List;
import java.util.Objects;

/**
 * The result of one {@link RoomUpdate}, and what travels on the room's bus channel: the members that
 * are new or changed (their whole new record) and the users who left, taking the room from version
 * {@code since} to {@code version}. A node holding the room at {@code since} applies it; one holding
 * anything older has missed a change and reloads the room instead.
 *
 * @param count members (users) after the change
 */
public record RoomChange(String room, Outcome outcome, long since, long version, int count, List<RoomMember> upserted,
                         List<String> removed) {

    public enum Outcome {
        /** The room changed: {@code version > since}. */
        CHANGED,
        /** Nothing changed ({@code version == since}); nothing is published. */
        UNCHANGED,
        /** A join was refused: the room has its maximum of members. Nothing changed. */
        ROOM_FULL
    }

    public RoomChange {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(outcome, "outcome");
        upserted = List.copyOf(upserted);
        removed = List.copyOf(removed);
    }

    /** Nothing changed: the room as it is, at {@code version}. */
    public static RoomChange none(String room, Outcome outcome, long version, int count) {
        return new RoomChange(room, outcome, version, version, count, List.of(), List.of());
    }

    public boolean changed() {
        return outcome == Outcome.CHANGED;
    }
}
