package io.beacon.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.beacon.error.BeaconError;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.ManualStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Parses and validates client messages of protocol v1. Unknown fields are ignored (so newer clients
 * work with older servers); a missing or wrong-typed field, an unknown {@code type}, or a value over
 * its limit is a {@link ProtocolError} that names the field.
 *
 * <p>Thread-safe; one instance serves every connection.
 */
public final class ClientMessages {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    // frames are capped by the transport; field limits are checked after parsing, with the request id
                    .maxStringLength(16 * 1024 * 1024)
                    .maxNumberLength(32)
                    .build())
            .build())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ProtocolLimits limits;

    public ClientMessages(ProtocolLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ProtocolLimits limits() {
        return limits;
    }

    /** Parses one text frame. */
    public ClientMessage parse(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolError(null, BeaconError.badRequest("malformed JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ProtocolError(null, BeaconError.badRequest("malformed JSON"));
        }
        return parse(root);
    }

    /** Validates one already-parsed JSON value. */
    public ClientMessage parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ProtocolError(null, BeaconError.badRequest("a message must be a JSON object with a \"type\""));
        }
        String id = requestId(root.get("id"));
        try {
            return parseTyped(root, id);
        } catch (BeaconError e) {
            throw new ProtocolError(id, e);
        }
    }

    private static String requestId(JsonNode idNode) {
        if (idNode == null || idNode.isNull()) {
            return null;
        }
        if (idNode.isTextual()) {
            if (idNode.textValue().length() > ProtocolLimits.MAX_REQUEST_ID_LENGTH) {
                throw new ProtocolError(null, BeaconError.tooLarge("\"id\" is longer than " + ProtocolLimits.MAX_REQUEST_ID_LENGTH + " chars"));
            }
            return idNode.toString();
        }
        if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
            return idNode.toString();
        }
        throw new ProtocolError(null, BeaconError.badRequest("\"id\" must be a string or an integer"));
    }

    private ClientMessage parseTyped(JsonNode root, String id) {
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            throw BeaconError.badRequest("missing field \"type\"");
        }
        if (!typeNode.isTextual()) {
            throw BeaconError.badRequest("\"type\" must be a string");
        }
        String type = typeNode.textValue();
        return switch (type) {
            case "hello" -> hello(root, id);
            case "heartbeat" -> new ClientMessage.Heartbeat(id);
            case "activity" -> {
                String state = requiredString(root, "state", 16);
                yield switch (state) {
                    case "active" -> new ClientMessage.ActivityState(id, false);
                    case "idle" -> new ClientMessage.ActivityState(id, true);
                    default -> throw BeaconError.badRequest("\"state\" must be \"active\" or \"idle\", was \"" + state + "\"");
                };
            }
            case "set_status" -> {
                String word = requiredString(root, "status", 16);
                ManualStatus status = ManualStatus.fromWire(word);
                if (status == null) {
                    throw BeaconError.badRequest("\"status\" must be one of auto, busy, away, invisible; was \"" + word + "\"");
                }
                yield new ClientMessage.SetStatus(id, status);
            }
            case "set_activity" -> {
                JsonNode a = root.get("activity");
                if (a == null) {
                    throw BeaconError.badRequest("missing field \"activity\" (a label, or null to clear)");
                }
                String label = a.isNull() ? null : requiredString(root, "activity", ProtocolLimits.MAX_ACTIVITY_LENGTH);
                if (label != null && label.isEmpty()) {
                    throw BeaconError.badRequest("\"activity\" must not be empty; send null to clear it");
                }
                yield new ClientMessage.SetActivity(id, label, optionalEpochMillis(root, "expires_at"));
            }
            case "set_custom_status" -> {
                String text = requiredString(root, "text", CustomStatus.MAX_TEXT);
                String emoji = optionalString(root, "emoji", CustomStatus.MAX_EMOJI);
                yield new ClientMessage.SetCustomStatus(id, text, emoji, optionalEpochMillis(root, "expires_at"));
            }
            case "clear_custom_status" -> new ClientMessage.ClearCustomStatus(id);
            case "subscribe" -> new ClientMessage.Subscribe(id, userIds(root));
            case "unsubscribe" -> new ClientMessage.Unsubscribe(id, userIds(root));
            case "query" -> new ClientMessage.Query(id, userIds(root));
            case "join" -> {
                String room = room(root);
                JsonNode meta = root.get("meta");
                yield new ClientMessage.Join(id, room, meta == null || meta.isNull() ? null : meta(meta));
            }
            case "leave" -> new ClientMessage.Leave(id, room(root));
            case "room_meta" -> {
                String room = room(root);
                JsonNode meta = root.get("meta");
                if (meta == null) {
                    throw BeaconError.badRequest("missing field \"meta\" (an object, or null to clear it)");
                }
                yield new ClientMessage.RoomMeta(id, room, meta.isNull() ? io.beacon.rooms.RoomSession.EMPTY_META : meta(meta));
            }
            case "signal" -> signal(root, id);
            case "welcome", "presence", "presence_snapshot", "room_snapshot", "room_diff", "ack", "error", "batch" ->
                    throw BeaconError.unsupported("\"" + type + "\" is a server message; clients may not send it");
            default -> throw BeaconError.unsupported("unknown message type \"" + abbreviate(type) + "\"");
        };
    }

    private ClientMessage.Hello hello(JsonNode root, String id) {
        String token = requiredString(root, "token", ProtocolLimits.MAX_TOKEN_LENGTH);
        String deviceWord = optionalString(root, "device", 16);
        Device device = null;
        if (deviceWord != null) {
            device = Device.fromWire(deviceWord);
            if (device == null) {
                throw BeaconError.badRequest("\"device\" must be one of web, desktop, mobile, other; was \"" + deviceWord + "\"");
            }
        }
        JsonNode p = root.get("protocol");
        int protocol = 1;
        if (p != null && !p.isNull()) {
            if (!p.isIntegralNumber() || !p.canConvertToInt()) {
                throw BeaconError.badRequest("\"protocol\" must be an integer");
            }
            protocol = p.intValue();
            if (protocol != 1) {
                throw BeaconError.unsupported("protocol " + protocol + " is not supported; this server speaks protocol 1");
            }
        }
        String resume = optionalString(root, "resume", ProtocolLimits.MAX_RESUME_LENGTH);
        return new ClientMessage.Hello(id, token, device, protocol, resume);
    }

    /** A room id: a non-empty string of at most {@value ProtocolLimits#MAX_ROOM_ID_LENGTH} chars. */
    private static String room(JsonNode root) {
        String room = requiredString(root, "room", ProtocolLimits.MAX_ROOM_ID_LENGTH);
        return checkRoomId(room, "\"room\"");
    }

    /** Checks a room id from any source (protocol, SSE parameter, REST path). */
    public static String checkRoomId(String room, String what) {
        if (room.isEmpty()) {
            throw BeaconError.badRequest(what + " must not be empty");
        }
        if (room.length() > ProtocolLimits.MAX_ROOM_ID_LENGTH) {
            throw BeaconError.tooLarge(what + " is " + room.length() + " chars; the limit is " + ProtocolLimits.MAX_ROOM_ID_LENGTH);
        }
        return room;
    }

    /** A session's meta in a room: a JSON object, at most {@code maxMetaBytes} as compact JSON. */
    private String meta(JsonNode meta) {
        if (!meta.isObject()) {
            throw BeaconError.badRequest("\"meta\" must be a JSON object, such as {\"mode\":\"viewing\"}");
        }
        String json = meta.toString();
        int bytes = utf8Length(json);
        if (bytes > limits.maxMetaBytes()) {
            throw BeaconError.tooLarge("\"meta\" is " + bytes + " bytes as JSON; the limit is " + limits.maxMetaBytes());
        }
        return json;
    }

    private ClientMessage.Signal signal(JsonNode root, String id) {
        String room = room(root);
        String kind = requiredString(root, "kind", ProtocolLimits.MAX_SIGNAL_KIND_LENGTH);
        if (kind.isEmpty() || !kind.chars().allMatch(ClientMessages::kindChar)) {
            throw BeaconError.badRequest("\"kind\" must be 1.." + ProtocolLimits.MAX_SIGNAL_KIND_LENGTH
                    + " chars of A-Z a-z 0-9 _ . : - (typing, read, or your own); was \"" + abbreviate(kind) + "\"");
        }
        JsonNode data = root.get("data");
        boolean absent = data == null || data.isNull();
        switch (kind) {
            case ClientMessage.Signal.TYPING -> {
                if (absent) {
                    return new ClientMessage.Signal(id, room, kind, ClientMessage.Signal.TYPING_ON);
                }
                JsonNode t = data.get("typing");
                if (!data.isObject() || data.size() != 1 || t == null || !t.isBoolean()) {
                    throw BeaconError.badRequest("\"data\" of a typing signal must be absent (typing) or {\"typing\":false} (stopped)");
                }
                return new ClientMessage.Signal(id, room, kind, t.booleanValue() ? ClientMessage.Signal.TYPING_ON : ClientMessage.Signal.TYPING_OFF);
            }
            case ClientMessage.Signal.READ -> {
                JsonNode marker = absent ? null : data.get("marker");
                if (marker == null || !(marker.isTextual() || marker.isIntegralNumber() && marker.canConvertToLong())) {
                    throw BeaconError.badRequest("a read signal needs \"data\": {\"marker\": <string or integer>}, the last item read");
                }
                if (marker.isTextual() && (marker.textValue().isEmpty() || marker.textValue().length() > ProtocolLimits.MAX_READ_MARKER_LENGTH)) {
                    throw new BeaconError(marker.textValue().isEmpty() ? io.beacon.error.ErrorCode.BAD_REQUEST : io.beacon.error.ErrorCode.TOO_LARGE,
                            "the read \"marker\" must be 1.." + ProtocolLimits.MAX_READ_MARKER_LENGTH + " chars");
                }
            }
            default -> {
            }
        }
        String json = absent ? null : data.toString();
        if (json != null) {
            int bytes = utf8Length(json);
            if (bytes > limits.maxSignalBytes()) {
                throw BeaconError.tooLarge("\"data\" is " + bytes + " bytes as JSON; the limit is " + limits.maxSignalBytes());
            }
        }
        return new ClientMessage.Signal(id, room, kind, json);
    }

    private static boolean kindChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-';
    }

    private static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return n;
    }

    private List<String> userIds(JsonNode root) {
        JsonNode arr = root.get("user_ids");
        if (arr == null || arr.isNull()) {
            throw BeaconError.badRequest("missing field \"user_ids\" (an array of user ids)");
        }
        if (!arr.isArray()) {
            throw BeaconError.badRequest("\"user_ids\" must be an array of strings");
        }
        if (arr.size() > limits.maxUserIds()) {
            throw BeaconError.tooLarge("\"user_ids\" has " + arr.size() + " entries; the limit is " + limits.maxUserIds());
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>(Math.max(4, arr.size() * 2));
        for (int i = 0; i < arr.size(); i++) {
            JsonNode n = arr.get(i);
            if (!n.isTextual()) {
                throw BeaconError.badRequest("\"user_ids\"[" + i + "] must be a string");
            }
            ids.add(checkUserId(n.textValue(), "\"user_ids\"[" + i + "]"));
        }
        return new ArrayList<>(ids);
    }

    /** Checks a user id from any source (protocol, REST path, token). */
    public String checkUserId(String userId, String what) {
        if (userId.isEmpty()) {
            throw BeaconError.badRequest(what + " must not be empty");
        }
        if (userId.length() > limits.maxUserIdLength()) {
            throw BeaconError.tooLarge(what + " is " + userId.length() + " chars; the limit is " + limits.maxUserIdLength());
        }
        return userId;
    }

    private static String requiredString(JsonNode root, String field, int maxLength) {
        String s = optionalString(root, field, maxLength);
        if (s == null) {
            throw BeaconError.badRequest("missing field \"" + field + "\"");
        }
        return s;
    }

    private static String optionalString(JsonNode root, String field, int maxLength) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.getNodeType() != JsonNodeType.STRING) {
            throw BeaconError.badRequest("\"" + field + "\" must be a string");
        }
        String s = n.textValue();
        if (s.length() > maxLength) {
            throw BeaconError.tooLarge("\"" + field + "\" is " + s.length() + " chars; the limit is " + maxLength);
        }
        return s;
    }

    private static long optionalEpochMillis(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
            throw BeaconError.badRequest("\"" + field + "\" must be a positive integer (epoch milliseconds)");
        }
        return n.longValue();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
