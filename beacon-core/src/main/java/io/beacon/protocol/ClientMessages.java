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
            case "join", "leave", "room_meta", "signal" ->
                    new ClientMessage.RoomCommand(id, type, requiredString(root, "room", ProtocolLimits.MAX_ROOM_ID_LENGTH), root.toString());
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
