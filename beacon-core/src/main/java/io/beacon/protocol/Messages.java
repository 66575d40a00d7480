package io.beacon.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.DeviceStatus;
import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import io.beacon.rooms.RoomMember;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/** The server messages of protocol v1, and the JSON of a presence shared with REST. */
public final class Messages {
    private Messages() {
    }

    public static ServerMessage welcome(String rawId, String sessionId, String userId, long heartbeatIntervalMs,
                                        long sessionTtlMs, String resumeToken, long serverTime) {
        return new ServerMessage() {
            public String type() {
                return "welcome";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writeId(g, rawId);
                g.writeStringField("session_id", sessionId);
                g.writeStringField("user_id", userId);
                g.writeNumberField("heartbeat_interval_ms", heartbeatIntervalMs);
                g.writeNumberField("session_ttl_ms", sessionTtlMs);
                g.writeStringField("resume_token", resumeToken);
                g.writeNumberField("server_time", serverTime);
            }
        };
    }

    /** A live presence update. The presence must already be a viewer's projection. */
    public static ServerMessage presence(Presence view) {
        Objects.requireNonNull(view, "view");
        return new ServerMessage() {
            public String type() {
                return "presence";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writePresenceFields(g, view);
            }
        };
    }

    /** The answer to {@code subscribe} and {@code query}: projected presences. */
    public static ServerMessage presenceSnapshot(String rawId, List<Presence> views) {
        List<Presence> copy = List.copyOf(views);
        return new ServerMessage() {
            public String type() {
                return "presence_snapshot";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writeId(g, rawId);
                g.writeArrayFieldStart("presences");
                for (Presence p : copy) {
                    writePresence(g, p);
                }
                g.writeEndArray();
            }
        };
    }

    public static ServerMessage ack(String rawId) {
        Objects.requireNonNull(rawId, "rawId");
        return new ServerMessage() {
            public String type() {
                return "ack";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writeId(g, rawId);
            }
        };
    }

    public static ServerMessage error(String rawId, ErrorCode code, String message) {
        return new ServerMessage() {
            public String type() {
                return "error";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writeId(g, rawId);
                g.writeStringField("code", code.wire());
                g.writeStringField("message", message);
            }
        };
    }

    public static ServerMessage error(String rawId, BeaconError e) {
        return error(rawId, e.code(), e.getMessage());
    }

    /** Several messages in one frame. */
    public static ServerMessage batch(List<ServerMessage> messages) {
        List<ServerMessage> copy = List.copyOf(messages);
        return new ServerMessage() {
            public String type() {
                return "batch";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                g.writeArrayFieldStart("messages");
                for (ServerMessage m : copy) {
                    m.writeObject(g);
                }
                g.writeEndArray();
            }
        };
    }

    /**
     * {@code room_snapshot}: the members a viewer is shown (the first {@code room_large_threshold} in
     * join order), the room's member count as the viewer sees it, and the version diffs continue from.
     *
     * @param large  whether the room is above the threshold (members are then the first page only)
     * @param typing users typing in the room now
     */
    public static ServerMessage roomSnapshot(String rawId, String room, List<RoomMember> members, int count, long version,
                                             boolean large, List<String> typing) {
        List<RoomMember> copy = List.copyOf(members);
        List<String> typers = List.copyOf(typing);
        return new ServerMessage() {
            public String type() {
                return "room_snapshot";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                writeId(g, rawId);
                g.writeStringField("room", room);
                writeMembers(g, "members", copy);
                g.writeNumberField("count", count);
                g.writeNumberField("version", version);
                if (large) {
                    g.writeBooleanField("large", true);
                }
                if (!typers.isEmpty()) {
                    g.writeArrayFieldStart("typing");
                    for (String u : typers) {
                        g.writeString(u);
                    }
                    g.writeEndArray();
                }
            }
        };
    }

    /**
     * {@code room_diff}: what changed in the members a viewer is shown, taking them from version
     * {@code since} to {@code version}. {@code joins} and {@code updates} carry whole members (set them),
     * {@code leaves} user ids (remove them).
     */
    public static ServerMessage roomDiff(String room, List<RoomMember> joins, List<String> leaves, List<RoomMember> updates,
                                         int count, long since, long version, boolean large) {
        List<RoomMember> j = List.copyOf(joins);
        List<String> l = List.copyOf(leaves);
        List<RoomMember> u = List.copyOf(updates);
        return new ServerMessage() {
            public String type() {
                return "room_diff";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                g.writeStringField("room", room);
                writeMembers(g, "joins", j);
                g.writeArrayFieldStart("leaves");
                for (String id : l) {
                    g.writeString(id);
                }
                g.writeEndArray();
                writeMembers(g, "updates", u);
                g.writeNumberField("count", count);
                g.writeNumberField("since", since);
                g.writeNumberField("version", version);
                if (large) {
                    g.writeBooleanField("large", true);
                }
            }
        };
    }

    /** {@code signal}: an ephemeral room message from {@code userId}; {@code data} is compact JSON or null. */
    public static ServerMessage signal(String room, String userId, String kind, String data) {
        return new ServerMessage() {
            public String type() {
                return "signal";
            }

            protected void writeFields(JsonGenerator g) throws IOException {
                g.writeStringField("room", room);
                g.writeStringField("user_id", userId);
                g.writeStringField("kind", kind);
                if (data != null) {
                    g.writeFieldName("data");
                    g.writeRawValue(data);
                }
            }
        };
    }

    /**
     * {@code {"room":…,"count":…,"version":…,"members":[…],"next_cursor":…}}, for REST.
     *
     * @param nextCursor the cursor of the next page, or {@code null} on the last page
     */
    public static byte[] roomMembersPage(String room, int count, long version, List<RoomMember> members, String nextCursor) {
        return encode(g -> {
            g.writeStartObject();
            g.writeStringField("room", room);
            g.writeNumberField("count", count);
            g.writeNumberField("version", version);
            writeMembers(g, "members", members);
            if (nextCursor == null) {
                g.writeNullField("next_cursor");
            } else {
                g.writeStringField("next_cursor", nextCursor);
            }
            g.writeEndObject();
        });
    }

    /** An array field of member objects, each copied from its cached JSON. */
    private static void writeMembers(JsonGenerator g, String field, List<RoomMember> members) throws IOException {
        g.writeArrayFieldStart(field);
        for (RoomMember m : members) {
            g.writeRawValue(new RawJson(m.json()));
        }
        g.writeEndArray();
    }

    /** A presence as a standalone JSON object, for REST. */
    public static byte[] presenceObject(Presence view) {
        return encode(g -> writePresence(g, view));
    }

    /** {@code {"presences":[…]}}, for REST. */
    public static byte[] presenceList(List<Presence> views) {
        return encode(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("presences");
            for (Presence p : views) {
                writePresence(g, p);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private interface JsonWriter {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] encode(JsonWriter w) {
        try (com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(256);
             JsonGenerator g = ServerMessage.JSON.createGenerator(out)) {
            w.write(g);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a presence as a standalone JSON object (REST, snapshots). */
    public static void writePresence(JsonGenerator g, Presence p) throws IOException {
        g.writeStartObject();
        writePresenceFields(g, p);
        g.writeEndObject();
    }

    static void writePresenceFields(JsonGenerator g, Presence p) throws IOException {
        g.writeStringField("user_id", p.userId());
        Status status = p.publicStatus();
        g.writeStringField("status", status.wire());
        if (p.activity() != null) {
            g.writeStringField("activity", p.activity());
        }
        CustomStatus c = p.customStatus();
        if (c != null) {
            g.writeObjectFieldStart("custom_status");
            g.writeStringField("text", c.text());
            if (c.emoji() != null) {
                g.writeStringField("emoji", c.emoji());
            }
            if (c.expiresAt() != 0) {
                g.writeNumberField("expires_at", c.expiresAt());
            }
            g.writeEndObject();
        }
        if (status != Status.ONLINE) {
            if (p.lastSeenApprox() != null) {
                g.writeStringField("last_seen", p.lastSeenApprox());
            } else if (p.lastSeen() != 0) {
                g.writeNumberField("last_seen", p.lastSeen());
            }
        }
        if (!p.devices().isEmpty()) {
            g.writeArrayFieldStart("devices");
            for (DeviceStatus d : p.devices()) {
                g.writeStartObject();
                g.writeStringField("device", d.device().wire());
                g.writeStringField("status", d.status().wire());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeNumberField("version", p.version());
    }
}
