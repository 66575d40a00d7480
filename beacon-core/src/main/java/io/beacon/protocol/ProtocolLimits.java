package io.beacon.protocol;

/**
 * Size limits of protocol v1 messages. Over a limit the message is refused with {@code too_large}
 * and changes nothing.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>what</th><th>default</th></tr>
 *   <tr><td>user id</td><td>{@value #DEFAULT_MAX_USER_ID_LENGTH} chars</td></tr>
 *   <tr><td>user ids in one subscribe/unsubscribe/query</td><td>{@value #DEFAULT_MAX_USER_IDS}</td></tr>
 *   <tr><td>request id</td><td>{@value #MAX_REQUEST_ID_LENGTH} chars</td></tr>
 *   <tr><td>token</td><td>{@value #MAX_TOKEN_LENGTH} chars</td></tr>
 *   <tr><td>resume token</td><td>{@value #MAX_RESUME_LENGTH} chars</td></tr>
 *   <tr><td>activity label</td><td>{@value #MAX_ACTIVITY_LENGTH} chars</td></tr>
 *   <tr><td>custom status text / emoji</td><td>128 / 16 chars</td></tr>
 *   <tr><td>room id</td><td>{@value #MAX_ROOM_ID_LENGTH} chars</td></tr>
 *   <tr><td>a session's meta in a room (compact JSON)</td><td>{@value #DEFAULT_MAX_META_BYTES} bytes</td></tr>
 *   <tr><td>a signal's {@code data} (compact JSON)</td><td>{@value #DEFAULT_MAX_SIGNAL_BYTES} bytes</td></tr>
 *   <tr><td>signal kind</td><td>{@value #MAX_SIGNAL_KIND_LENGTH} chars of {@code A-Z a-z 0-9 _ . : -}</td></tr>
 *   <tr><td>read marker</td><td>{@value #MAX_READ_MARKER_LENGTH} chars, or an integer</td></tr>
 * </table>
 */
public record ProtocolLimits(int maxUserIdLength, int maxUserIds, int maxMetaBytes, int maxSignalBytes) {
    public static final int DEFAULT_MAX_USER_ID_LENGTH = 256;
    public static final int DEFAULT_MAX_USER_IDS = 10_000;
    public static final int MAX_REQUEST_ID_LENGTH = 64;
    public static final int MAX_TOKEN_LENGTH = 8192;
    public static final int MAX_RESUME_LENGTH = 128;
    public static final int MAX_ACTIVITY_LENGTH = 64;
    public static final int MAX_ROOM_ID_LENGTH = io.beacon.rooms.RoomAccess.MAX_ROOM_ID_LENGTH;
    public static final int DEFAULT_MAX_META_BYTES = 1024;
    public static final int DEFAULT_MAX_SIGNAL_BYTES = 4096;
    public static final int MAX_SIGNAL_KIND_LENGTH = 64;
    public static final int MAX_READ_MARKER_LENGTH = 256;

    public static final ProtocolLimits DEFAULTS = new ProtocolLimits(DEFAULT_MAX_USER_ID_LENGTH, DEFAULT_MAX_USER_IDS);

    /** The given id limits with the default room limits. */
    public ProtocolLimits(int maxUserIdLength, int maxUserIds) {
        this(maxUserIdLength, maxUserIds, DEFAULT_MAX_META_BYTES, DEFAULT_MAX_SIGNAL_BYTES);
    }

    public ProtocolLimits {
        if (maxUserIdLength < 1) {
            throw new IllegalArgumentException("maxUserIdLength must be >= 1, was " + maxUserIdLength);
        }
        if (maxUserIds < 1) {
            throw new IllegalArgumentException("maxUserIds must be >= 1, was " + maxUserIds);
        }
        if (maxMetaBytes < 2) {
            throw new IllegalArgumentException("maxMetaBytes must be >= 2 (room for {}), was " + maxMetaBytes);
        }
        if (maxSignalBytes < 2) {
            throw new IllegalArgumentException("maxSignalBytes must be >= 2, was " + maxSignalBytes);
        }
    }
}
