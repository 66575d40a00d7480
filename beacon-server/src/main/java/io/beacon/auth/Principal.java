package io.beacon.auth;

import io.beacon.protocol.ProtocolLimits;

import java.util.List;
import java.util.Objects;

/**
 * The verified identity behind a client token.
 *
 * @param userId          the {@code sub} claim: non-empty, at most {@value #MAX_USER_ID_LENGTH} chars
 * @param rooms           the {@code rooms} claim: exact room ids or prefix patterns ending in {@code *}
 *                        ({@code "*"} alone allows every room); empty when the claim is absent, which
 *                        allows no room
 * @param device          the {@code device} claim, or {@code null} when absent
 * @param expiresAtMillis the {@code exp} claim in epoch milliseconds, or {@link #NO_EXPIRY}
 */
public record Principal(String userId, List<String> rooms, String device, long expiresAtMillis) {
    /** {@link #expiresAtMillis()} of a token without {@code exp}. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;
    /** Longest accepted {@code sub}. */
    public static final int MAX_USER_ID_LENGTH = ProtocolLimits.DEFAULT_MAX_USER_ID_LENGTH;
    /** Longest accepted entry of {@code rooms}. */
    public static final int MAX_ROOM_PATTERN_LENGTH = ProtocolLimits.MAX_ROOM_ID_LENGTH;
    /** Longest accepted {@code device}. */
    public static final int MAX_DEVICE_LENGTH = 64;

    public Principal {
        Objects.requireNonNull(userId, "userId");
        rooms = List.copyOf(rooms);
    }

    /** Whether the token allows joining {@code room}: an exact entry or a matching {@code prefix*} pattern. */
    public boolean mayJoin(String room) {
        return io.beacon.rooms.RoomAccess.allows(rooms, room);
    }

    /** Whether the token carries an {@code exp}. */
    public boolean hasExpiry() {
        return expiresAtMillis != NO_EXPIRY;
    }

    /** Whether the token has expired at {@code nowMillis} (expiry is at {@code exp} exactly, no skew). */
    public boolean expiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    static boolean validUserId(String userId) {
        return userId != null && !userId.isBlank() && userId.length() <= MAX_USER_ID_LENGTH;
    }

    /** A non-empty id of at most {@value #MAX_ROOM_PATTERN_LENGTH} chars with {@code *} only at its end. */
    static boolean validRoomPattern(String pattern) {
        return io.beacon.rooms.RoomAccess.validPattern(pattern);
    }

    static boolean validDevice(String device) {
        return device != null && !device.isBlank() && device.length() <= MAX_DEVICE_LENGTH;
    }
}
