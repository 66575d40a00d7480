package io.beacon.store.redis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beacon.bus.BusMessage;
import io.beacon.presence.Device;
import io.beacon.presence.Presence;
import io.beacon.presence.UserRecord;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How Beacon's records look in Redis and on its channels: compact JSON, read back into the same
 * records. Internal (never shown to clients); unknown fields are ignored, so a newer node can add some.
 */
final class RedisJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private RedisJson() {
    }

    // ------------------------------------------------------------------ users

    static String user(UserRecord r) {
        return write(r);
    }

    static UserRecord user(String json) {
        try {
            return JSON.readValue(json, UserRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable user record in Redis: " + abbreviate(json), e);
        }
    }

    // ------------------------------------------------------------------ room members

    /** A member without its seq (kept apart, in the room's order set). */
    static String member(RoomMember m) {
        return write(memberNode(m, false));
    }

    static RoomMember member(String json, long seq) {
        return member(read(json), seq);
    }

    private static ObjectNode memberNode(RoomMember m, boolean withSeq) {
        ObjectNode n = JSON.createObjectNode();
        n.put("u", m.userId());
        if (withSeq) {
            n.put("q", m.seq());
        }
        ArrayNode b = n.putArray("b");
        m.blocks().stream().sorted().forEach(b::add); // a stable form: equal members, equal JSON
        ArrayNode ss = n.putArray("s");
        for (RoomSession s : m.sessions()) {
            ObjectNode o = ss.addObject();
            o.put("i", s.sessionId());
            o.put("n", s.nodeId());
            o.put("d", s.device().wire());
            o.put("m", s.meta());
            o.put("j", s.joinedAt());
        }
        return n;
    }

    private static RoomMember member(JsonNode n, long seq) {
        Set<String> blocks = new LinkedHashSet<>();
        n.path("b").forEach(x -> blocks.add(x.asText()));
        List<RoomSession> sessions = new ArrayList<>();
        for (JsonNode s : n.path("s")) {
            Device d = Device.fromWire(s.path("d").asText());
            sessions.add(new RoomSession(s.path("i").asText(), s.path("n").asText(), d == null ? Device.OTHER : d,
                    s.path("m").asText(RoomSession.EMPTY_META), s.path("j").asLong()));
        }
        return new RoomMember(n.path("u").asText(), seq, blocks, sessions);
    }

    // ------------------------------------------------------------------ bus messages

    static String bus(BusMessage message) {
        ObjectNode n = JSON.createObjectNode();
        switch (message) {
            case BusMessage.PresenceChanged pc -> {
                n.put("t", "presence");
                n.set("p", JSON.valueToTree(pc.presence()));
            }
            case BusMessage.SettingsChanged sc -> {
                n.put("t", "settings");
                n.put("u", sc.userId());
            }
            case BusMessage.DisconnectUser du -> {
                n.put("t", "disconnect");
                n.put("u", du.userId());
            }
            case BusMessage.RoomChanged rc -> {
                RoomChange c = rc.change();
                n.put("t", "room");
                n.put("r", c.room());
                n.put("o", c.outcome().name());
                n.put("f", c.since());
                n.put("v", c.version());
                n.put("c", c.count());
                ArrayNode up = n.putArray("up");
                for (RoomMember m : c.upserted()) {
                    up.add(memberNode(m, true));
                }
                ArrayNode rm = n.putArray("rm");
                c.removed().forEach(rm::add);
            }
            case BusMessage.RoomSignal rs -> {
                n.put("t", "signal");
                n.put("r", rs.room());
                n.put("u", rs.userId());
                n.put("s", rs.sessionId());
                n.put("k", rs.kind());
                if (rs.data() != null) {
                    n.put("d", rs.data());
                }
            }
        }
        return write(n);
    }

    static BusMessage bus(String json) {
        JsonNode n = read(json);
        return switch (n.path("t").asText()) {
            case "presence" -> new BusMessage.PresenceChanged(convert(n.get("p"), Presence.class));
            case "settings" -> new BusMessage.SettingsChanged(n.path("u").asText());
            case "disconnect" -> new BusMessage.DisconnectUser(n.path("u").asText());
            case "room" -> {
                List<RoomMember> up = new ArrayList<>();
                for (JsonNode m : n.path("up")) {
                    up.add(member(m, m.path("q").asLong()));
                }
                List<String> rm = new ArrayList<>();
                n.path("rm").forEach(x -> rm.add(x.asText()));
                yield new BusMessage.RoomChanged(new RoomChange(n.path("r").asText(), RoomChange.Outcome.valueOf(n.path("o").asText()),
                        n.path("f").asLong(), n.path("v").asLong(), n.path("c").asInt(), up, rm));
            }
            case "signal" -> new BusMessage.RoomSignal(n.path("r").asText(), n.path("u").asText(), n.path("s").asText(),
                    n.path("k").asText(), n.hasNonNull("d") ? n.get("d").asText() : null);
            default -> throw new IllegalArgumentException("unknown bus message kind in " + abbreviate(json));
        };
    }

    // ------------------------------------------------------------------ helpers

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable JSON from Redis: " + abbreviate(json), e);
        }
    }

    private static <T> T convert(JsonNode n, Class<T> type) {
        try {
            return JSON.treeToValue(n, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + type.getSimpleName() + " from Redis: " + n, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
