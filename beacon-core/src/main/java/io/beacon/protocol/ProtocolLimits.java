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
 * </table>
 */
public record ProtocolLimits(int maxUserIdLength, int maxUserIds) {
    public static final int DEFAULT_MAX_USER_ID_LENGTH = 256;
    public static final int DEFAULT_MAX_USER_IDS = 10_000;
    public static final int MAX_REQUEST_ID_LENGTH = 64;
    public static final int MAX_TOKEN_LENGTH = 8192;
    public static final int MAX_RESUME_LENGTH = 128;
    public static final int MAX_ACTIVITY_LENGTH = 64;
    public static final int MAX_ROOM_ID_LENGTH = 256;

    public static final ProtocolLimits DEFAULTS = new ProtocolLimits(DEFAULT_MAX_USER_ID_LENGTH, DEFAULT_MAX_USER_IDS);

    public ProtocolLimits {
        if (maxUserIdLength < 1) {
            throw new IllegalArgumentException("maxUserIdLength must be >= 1, was " + maxUserIdLength);
        }
        if (maxUserIds < 1) {
            throw new IllegalArgumentException("maxUserIds must be >= 1, was " + maxUserIds);
        }
    }
}
