package io.beacon.rooms;

import java.util.List;

/**
 * The token's {@code rooms} claim (contract §4): exact room ids, or prefix patterns ending in
 * {@code *} ({@code "doc:*"}; {@code "*"} alone allows every room). An absent claim allows no room.
 */
public final class RoomAccess {
    /** Longest room id, and longest claim entry. */
    public static final int MAX_ROOM_ID_LENGTH = 256;

    private RoomAccess() {
    }

    /** Whether one of {@code patterns} allows {@code room}. */
    public static boolean allows(List<String> patterns, String room) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*")
                    ? room.startsWith(pattern.substring(0, pattern.length() - 1))
                    : room.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** A non-empty id of at most {@value #MAX_ROOM_ID_LENGTH} chars with {@code *} only at its end. */
    public static boolean validPattern(String pattern) {
        if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_ROOM_ID_LENGTH) {
            return false;
        }
        int star = pattern.indexOf('*');
        return star < 0 || star == pattern.length() - 1;
    }
}
