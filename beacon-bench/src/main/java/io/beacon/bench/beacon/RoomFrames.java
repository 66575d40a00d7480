package io.beacon.bench.beacon;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjLongConsumer;

/**
 * Reads what the rooms benchmark needs from Beacon's server frames without decoding them: the type,
 * the room and the member count are found by scanning the bytes (the server writes compact JSON with
 * {@code "type"} first, {@code "room"} near the start and {@code "count"} after the member lists), so
 * the thousands of members that only count traffic allocate nothing per frame. Observers decode
 * their diffs with Jackson and read the send times out of the cursor meta ({@link #metaTimes}).
 */
public final class RoomFrames {
    public static final int OTHER = 0;
    public static final int WELCOME = 1;
    public static final int SNAPSHOT = 2;
    public static final int DIFF = 3;
    public static final int ERROR = 4;

    private static final byte[] P_DIFF = ascii("{\"type\":\"room_diff\"");
    private static final byte[] P_SNAPSHOT = ascii("{\"type\":\"room_snapshot\"");
    private static final byte[] P_WELCOME = ascii("{\"type\":\"welcome\"");
    private static final byte[] P_ERROR = ascii("{\"type\":\"error\"");
    private static final byte[] ROOM = ascii("\"room\":\"");
    private static final byte[] COUNT = ascii("\"count\":");
    /** {@code "room"} comes right after the type (and a snapshot's {@code id}): it is looked for this far in. */
    private static final int ROOM_SCAN = 160;

    private RoomFrames() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@link #DIFF}, {@link #SNAPSHOT}, {@link #WELCOME}, {@link #ERROR} or {@link #OTHER}. */
    public static int kind(ByteBuf b) {
        if (startsWith(b, P_DIFF)) {
            return DIFF;
        }
        if (startsWith(b, P_SNAPSHOT)) {
            return SNAPSHOT;
        }
        if (startsWith(b, P_WELCOME)) {
            return WELCOME;
        }
        if (startsWith(b, P_ERROR)) {
            return ERROR;
        }
        return OTHER;
    }

    public static boolean startsWith(ByteBuf b, byte[] prefix) {
        int from = b.readerIndex();
        if (b.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Which of {@code rooms} (room ids as ASCII bytes) the frame's {@code "room"} field names, or
     * {@code -1}: the field is looked for near the start only.
     */
    public static int room(ByteBuf b, byte[][] rooms) {
        int from = b.readerIndex();
        int end = from + Math.min(b.readableBytes(), ROOM_SCAN);
        int at = indexOf(b, ROOM, from, end);
        if (at < 0) {
            return -1;
        }
        int value = at + ROOM.length;
        for (int r = 0; r < rooms.length; r++) {
            byte[] id = rooms[r];
            if (value + id.length < b.writerIndex() && b.getByte(value + id.length) == '"' && regionMatches(b, value, id)) {
                return r;
            }
        }
        return -1;
    }

    /** The value of the last {@code "count":} field of the frame, or {@code -1} when it has none. */
    public static long lastCount(ByteBuf b) {
        int from = b.readerIndex();
        for (int i = b.writerIndex() - COUNT.length; i >= from; i--) {
            if (b.getByte(i) == '"' && regionMatches(b, i, COUNT)) {
                long v = 0;
                int digits = 0;
                for (int j = i + COUNT.length; j < b.writerIndex(); j++) {
                    byte c = b.getByte(j);
                    if (c < '0' || c > '9') {
                        break;
                    }
                    v = v * 10 + (c - '0');
                    digits++;
                }
                return digits == 0 ? -1 : v;
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuf b, byte[] what, int from, int end) {
        for (int i = from; i + what.length <= end; i++) {
            if (b.getByte(i) == what[0] && regionMatches(b, i, what)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionMatches(ByteBuf b, int at, byte[] what) {
        if (at + what.length > b.writerIndex()) {
            return false;
        }
        for (int k = 0; k < what.length; k++) {
            if (b.getByte(at + k) != what[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The send times ({@code "t"}, a sender's {@code System.nanoTime()}) in the meta of every session
     * of the members a {@code room_diff} updates (or shows as joining), with the member's user id;
     * meta without a numeric {@code t} is skipped.
     */
    public static void metaTimes(JsonNode diff, ObjLongConsumer<String> out) {
        for (String list : new String[] {"updates", "joins"}) {
            JsonNode members = diff.get(list);
            if (members == null || !members.isArray()) {
                continue;
            }
            for (JsonNode m : members) {
                JsonNode sessions = m.get("sessions");
                if (sessions == null) {
                    continue;
                }
                String userId = m.path("user_id").asText();
                for (JsonNode s : sessions) {
                    JsonNode t = s.path("meta").get("t");
                    if (t != null && t.isIntegralNumber()) {
                        out.accept(userId, t.longValue());
                    }
                }
            }
        }
    }

    /** The user ids of a {@code room_snapshot}'s members, in the order given (join order). */
    public static List<String> memberIds(JsonNode snapshot) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : snapshot.path("members")) {
            ids.add(m.path("user_id").asText());
        }
        return ids;
    }

    /** The benchmark's cursor meta: a position and the sender's {@code System.nanoTime()}. */
    public static String cursorMeta(int x, int y, long sentNanos) {
        return "{\"cursor\":{\"x\":" + x + ",\"y\":" + y + "},\"t\":" + sentNanos + "}";
    }
}
