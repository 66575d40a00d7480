package io.beacon.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.DeviceStatus;
import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T = 1_700_000_000_000L;

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("not valid JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static JsonNode tree(ServerMessage m) {
        JsonNode n = tree(m.json());
        assertThat(n.isObject()).isTrue();
        assertThat(n.path("type").asText()).isEqualTo(m.type());
        assertThat(fieldNames(n).get(0)).as("\"type\" comes first").isEqualTo("type");
        return n;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = n.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static Presence presence(String user, Status status, long lastSeen, List<DeviceStatus> devices) {
        return new Presence(user, status, null, null, lastSeen, null, devices, 42, false);
    }

    // ------------------------------------------------------------------ welcome, ack, error

    @Test
    void welcomeHasEveryField() {
        ServerMessage m = Messages.welcome("\"h1\"", "sess-1", "alice", 15_000, 40_000, "resume-xyz", T);

        JsonNode n = tree(m);

        assertThat(m.type()).isEqualTo("welcome");
        assertThat(fieldNames(n)).containsExactly("type", "id", "session_id", "user_id", "heartbeat_interval_ms",
                "session_ttl_ms", "resume_token", "server_time");
        assertThat(n.get("id").textValue()).isEqualTo("h1");
        assertThat(n.get("session_id").textValue()).isEqualTo("sess-1");
        assertThat(n.get("user_id").textValue()).isEqualTo("alice");
        assertThat(n.get("heartbeat_interval_ms").longValue()).isEqualTo(15_000);
        assertThat(n.get("session_ttl_ms").longValue()).isEqualTo(40_000);
        assertThat(n.get("resume_token").textValue()).isEqualTo("resume-xyz");
        assertThat(n.get("server_time").longValue()).isEqualTo(T);
        assertThat(n.get("server_time").isIntegralNumber()).isTrue();
    }

    @Test
    void welcomeWithoutIdHasNoIdField() {
        JsonNode n = tree(Messages.welcome(null, "s", "u", 1, 2, "r", 3));

        assertThat(n.has("id")).isFalse();
    }

    @Test
    void ackEchoesAStringIdVerbatim() {
        ServerMessage m = Messages.ack("\"abc\"");

        assertThat(m.type()).isEqualTo("ack");
        assertThat(m.jsonString()).isEqualTo("{\"type\":\"ack\",\"id\":\"abc\"}");
    }

    @Test
    void ackEchoesAnIntegerIdVerbatim() {
        JsonNode n = tree(Messages.ack("42"));

        assertThat(n.get("id").isIntegralNumber()).isTrue();
        assertThat(n.get("id").longValue()).isEqualTo(42);
        assertThat(fieldNames(n)).containsExactly("type", "id");
    }

    @Test
    void ackNeedsAnId() {
        assertThatThrownBy(() -> Messages.ack(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anIdParsedFromAClientMessageRoundTripsIntoTheAnswer() {
        ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
        ClientMessage req = parser.parse("{\"type\":\"heartbeat\",\"id\":\"we\\\"ird\\\\ \\u00e9 😀\"}");

        JsonNode n = tree(Messages.ack(req.id()));

        assertThat(n.get("id").textValue()).isEqualTo("we\"ird\\ é 😀");
    }

    @Test
    void errorHasIdCodeAndMessage() {
        ServerMessage m = Messages.error("7", ErrorCode.TOO_LARGE, "\"user_ids\" has 20001 entries");

        JsonNode n = tree(m);

        assertThat(m.type()).isEqualTo("error");
        assertThat(fieldNames(n)).containsExactly("type", "id", "code", "message");
        assertThat(n.get("id").longValue()).isEqualTo(7);
        assertThat(n.get("code").textValue()).isEqualTo("too_large");
        assertThat(n.get("message").textValue()).isEqualTo("\"user_ids\" has 20001 entries");
    }

    @Test
    void errorWithoutIdHasNoIdField() {
        JsonNode n = tree(Messages.error(null, ErrorCode.BAD_REQUEST, "malformed JSON"));

        assertThat(fieldNames(n)).containsExactly("type", "code", "message");
        assertThat(n.get("code").textValue()).isEqualTo("bad_request");
    }

    @Test
    void errorFromABeaconErrorUsesItsCodeAndMessage() {
        JsonNode n = tree(Messages.error("\"q\"", BeaconError.forbidden("not your room")));

        assertThat(n.get("id").textValue()).isEqualTo("q");
        assertThat(n.get("code").textValue()).isEqualTo("forbidden");
        assertThat(n.get("message").textValue()).isEqualTo("not your room");
    }

    @Test
    void everyErrorCodeEncodesAsItsWireWord() {
        for (ErrorCode code : ErrorCode.values()) {
            JsonNode n = tree(Messages.error(null, code, "m"));
            assertThat(n.get("code").textValue()).isEqualTo(code.wire());
        }
        assertThat(tree(Messages.error(null, ErrorCode.TOKEN_EXPIRED, "m")).get("code").textValue()).isEqualTo("token_expired");
        assertThat(tree(Messages.error(null, ErrorCode.RATE_LIMITED, "m")).get("code").textValue()).isEqualTo("rate_limited");
    }

    // ------------------------------------------------------------------ presence

    @Test
    void anOnlinePresenceWithDevices() {
        Presence p = new Presence("alice", Status.ONLINE, null, null, 0, null,
                List.of(new DeviceStatus(Device.WEB, Status.ONLINE), new DeviceStatus(Device.MOBILE, Status.AWAY)), 1234, false);
        ServerMessage m = Messages.presence(p);

        JsonNode n = tree(m);

        assertThat(m.type()).isEqualTo("presence");
        assertThat(fieldNames(n)).containsExactly("type", "user_id", "status", "devices", "version");
        assertThat(n.get("user_id").textValue()).isEqualTo("alice");
        assertThat(n.get("status").textValue()).isEqualTo("online");
        assertThat(n.get("version").longValue()).isEqualTo(1234);
        JsonNode devices = n.get("devices");
        assertThat(devices.isArray()).isTrue();
        assertThat(devices).hasSize(2);
        assertThat(devices.get(0).get("device").textValue()).isEqualTo("web");
        assertThat(devices.get(0).get("status").textValue()).isEqualTo("online");
        assertThat(devices.get(1).get("device").textValue()).isEqualTo("mobile");
        assertThat(devices.get(1).get("status").textValue()).isEqualTo("away");
        assertThat(fieldNames(devices.get(0))).containsExactly("device", "status");
    }

    @Test
    void lastSeenIsOmittedWhileOnline() {
        JsonNode n = tree(Messages.presence(presence("alice", Status.ONLINE, T, List.of(new DeviceStatus(Device.WEB, Status.ONLINE)))));

        assertThat(n.has("last_seen")).isFalse();
    }

    @Test
    void lastSeenIsShownWhenNotOnline() {
        for (Status s : List.of(Status.AWAY, Status.BUSY, Status.OFFLINE)) {
            JsonNode n = tree(Messages.presence(presence("alice", s, T, List.of())));
            assertThat(n.get("status").textValue()).isEqualTo(s.wire());
            assertThat(n.get("last_seen").isIntegralNumber()).as("last_seen for %s", s).isTrue();
            assertThat(n.get("last_seen").longValue()).isEqualTo(T);
        }
    }

    @Test
    void anUnknownLastSeenIsOmitted() {
        JsonNode n = tree(Messages.presence(Presence.unknown("ghost")));

        assertThat(fieldNames(n)).containsExactly("type", "user_id", "status", "version");
        assertThat(n.get("status").textValue()).isEqualTo("offline");
        assertThat(n.get("version").longValue()).isZero();
    }

    @Test
    void anApproximateLastSeenIsABucketWord() {
        Presence p = new Presence("alice", Status.OFFLINE, null, null, 0, "within_week", List.of(), 5, false);

        JsonNode n = tree(Messages.presence(p));

        assertThat(n.get("last_seen").textValue()).isEqualTo("within_week");
    }

    @Test
    void anApproximateLastSeenWinsOverTheExactOne() {
        Presence p = new Presence("alice", Status.AWAY, null, null, T, "recently", List.of(), 5, false);

        assertThat(tree(Messages.presence(p)).get("last_seen").textValue()).isEqualTo("recently");
    }

    @Test
    void devicesAreOmittedWhenEmpty() {
        JsonNode n = tree(Messages.presence(presence("alice", Status.OFFLINE, T, List.of())));

        assertThat(n.has("devices")).isFalse();
    }

    @Test
    void activityIsShownWhenSet() {
        Presence p = new Presence("alice", Status.ONLINE, "in_call", null, 0, null,
                List.of(new DeviceStatus(Device.DESKTOP, Status.ONLINE)), 9, false);

        JsonNode n = tree(Messages.presence(p));

        assertThat(n.get("activity").textValue()).isEqualTo("in_call");
        assertThat(tree(Messages.presence(presence("a", Status.ONLINE, 0, List.of()))).has("activity")).isFalse();
    }

    @Test
    void customStatusWithEveryField() {
        Presence p = new Presence("alice", Status.BUSY, null, new CustomStatus("On a call ☎", "📞", T + 60_000), 0, null,
                List.of(), 9, false);

        JsonNode cs = tree(Messages.presence(p)).get("custom_status");

        assertThat(cs.isObject()).isTrue();
        assertThat(fieldNames(cs)).containsExactly("text", "emoji", "expires_at");
        assertThat(cs.get("text").textValue()).isEqualTo("On a call ☎");
        assertThat(cs.get("emoji").textValue()).isEqualTo("📞");
        assertThat(cs.get("expires_at").longValue()).isEqualTo(T + 60_000);
    }

    @Test
    void customStatusWithoutEmojiOrExpiryOmitsThem() {
        Presence p = new Presence("alice", Status.ONLINE, null, new CustomStatus("lunch", null, 0), 0, null, List.of(), 9, false);

        JsonNode cs = tree(Messages.presence(p)).get("custom_status");

        assertThat(fieldNames(cs)).containsExactly("text");
        assertThat(cs.get("text").textValue()).isEqualTo("lunch");
    }

    @Test
    void noCustomStatusNoField() {
        assertThat(tree(Messages.presence(presence("a", Status.ONLINE, 0, List.of()))).has("custom_status")).isFalse();
    }

    @Test
    void anInvisiblePresenceEncodesAsOffline() {
        Presence p = new Presence("alice", Status.ONLINE, null, null, T, null,
                List.of(new DeviceStatus(Device.WEB, Status.ONLINE)), 77, true);

        JsonNode n = tree(Messages.presence(p));

        assertThat(n.get("status").textValue()).isEqualTo("offline");
        assertThat(n.get("version").longValue()).isEqualTo(77);
    }

    @Test
    void specialCharactersAreEscaped() {
        String id = "we\"ird\\id\n😀";
        Presence p = new Presence(id, Status.ONLINE, "a\"b", new CustomStatus("</script>\u0000", null, 0), 0, null, List.of(), 1, false);

        JsonNode n = tree(Messages.presence(p));

        assertThat(n.get("user_id").textValue()).isEqualTo(id);
        assertThat(n.get("activity").textValue()).isEqualTo("a\"b");
        assertThat(n.get("custom_status").get("text").textValue()).isEqualTo("</script>\u0000");
    }

    // ------------------------------------------------------------------ snapshot, batch, REST

    @Test
    void presenceSnapshotHoldsPresenceObjectsWithoutType() {
        Presence online = new Presence("alice", Status.ONLINE, null, null, 0, null,
                List.of(new DeviceStatus(Device.WEB, Status.ONLINE)), 10, false);
        Presence ghost = Presence.unknown("ghost");
        ServerMessage m = Messages.presenceSnapshot("\"s1\"", List.of(online, ghost));

        JsonNode n = tree(m);

        assertThat(m.type()).isEqualTo("presence_snapshot");
        assertThat(fieldNames(n)).containsExactly("type", "id", "presences");
        assertThat(n.get("id").textValue()).isEqualTo("s1");
        JsonNode ps = n.get("presences");
        assertThat(ps).hasSize(2);
        assertThat(ps.get(0).has("type")).isFalse();
        assertThat(ps.get(0).get("user_id").textValue()).isEqualTo("alice");
        assertThat(ps.get(0).get("status").textValue()).isEqualTo("online");
        assertThat(ps.get(0).get("devices")).hasSize(1);
        assertThat(ps.get(0).get("version").longValue()).isEqualTo(10);
        assertThat(fieldNames(ps.get(1))).containsExactly("user_id", "status", "version");
        assertThat(ps.get(1).get("version").longValue()).isZero();
    }

    @Test
    void presenceObjectsInASnapshotMatchTheLiveMessage() {
        Presence p = new Presence("alice", Status.AWAY, "focus", new CustomStatus("deep work", "🎧", T), T - 5, null,
                List.of(new DeviceStatus(Device.DESKTOP, Status.AWAY)), 99, false);

        JsonNode live = tree(Messages.presence(p));
        JsonNode inSnapshot = tree(Messages.presenceSnapshot(null, List.of(p))).get("presences").get(0);

        ((com.fasterxml.jackson.databind.node.ObjectNode) live).remove("type");
        assertThat(inSnapshot).isEqualTo(live);
    }

    @Test
    void anEmptySnapshotWithoutId() {
        JsonNode n = tree(Messages.presenceSnapshot(null, List.of()));

        assertThat(fieldNames(n)).containsExactly("type", "presences");
        assertThat(n.get("presences").isArray()).isTrue();
        assertThat(n.get("presences")).isEmpty();
    }

    @Test
    void batchHoldsFullMessagesInOrder() {
        ServerMessage ack = Messages.ack("1");
        ServerMessage presence = Messages.presence(Presence.unknown("bob"));
        ServerMessage error = Messages.error("\"x\"", ErrorCode.NOT_FOUND, "no such room");
        ServerMessage m = Messages.batch(List.of(ack, presence, error));

        JsonNode n = tree(m);

        assertThat(m.type()).isEqualTo("batch");
        assertThat(fieldNames(n)).containsExactly("type", "messages");
        JsonNode ms = n.get("messages");
        assertThat(ms).hasSize(3);
        assertThat(ms.get(0)).isEqualTo(tree(ack));
        assertThat(ms.get(1)).isEqualTo(tree(presence));
        assertThat(ms.get(2)).isEqualTo(tree(error));
    }

    @Test
    void anEmptyBatch() {
        JsonNode n = tree(Messages.batch(List.of()));

        assertThat(n.get("messages").isArray()).isTrue();
        assertThat(n.get("messages")).isEmpty();
    }

    @Test
    void restPresenceObjectAndList() {
        Presence p = new Presence("alice", Status.BUSY, null, null, T, null, List.of(new DeviceStatus(Device.OTHER, Status.ONLINE)), 3, false);

        JsonNode one = tree(Messages.presenceObject(p));
        JsonNode list = tree(Messages.presenceList(List.of(p, Presence.unknown("ghost"))));

        assertThat(one.has("type")).isFalse();
        assertThat(one.get("status").textValue()).isEqualTo("busy");
        assertThat(one.get("last_seen").longValue()).isEqualTo(T);
        assertThat(one.get("devices").get(0).get("device").textValue()).isEqualTo("other");
        assertThat(fieldNames(list)).containsExactly("presences");
        assertThat(list.get("presences").get(0)).isEqualTo(one);
        assertThat(list.get("presences").get(1).get("user_id").textValue()).isEqualTo("ghost");
    }

    // ------------------------------------------------------------------ encoding once

    @Test
    void theJsonIsEncodedOnce() {
        ServerMessage m = Messages.presence(presence("alice", Status.AWAY, T, List.of()));

        byte[] first = m.json();
        byte[] second = m.json();

        assertThat(second).isSameAs(first);
        assertThat(m.jsonString()).isEqualTo(new String(first, StandardCharsets.UTF_8));
        assertThat(m.toString()).isEqualTo(m.jsonString());
        assertThat(m.json()).isSameAs(first);
    }

    @Test
    void everyKindOfMessageIsEncodedOnce() {
        List<ServerMessage> all = List.of(
                Messages.welcome("1", "s", "u", 1, 2, "r", 3),
                Messages.ack("1"),
                Messages.error(null, ErrorCode.INTERNAL, "boom"),
                Messages.presence(Presence.unknown("u")),
                Messages.presenceSnapshot("1", List.of(Presence.unknown("u"))),
                Messages.batch(List.of(Messages.ack("2"))));
        for (ServerMessage m : all) {
            assertThat(m.json()).as(m.type()).isSameAs(m.json());
        }
    }

    @Test
    void theJsonIsUtf8() {
        ServerMessage m = Messages.presence(new Presence("zoë", Status.ONLINE, null, null, 0, null, List.of(), 1, false));

        String text = new String(m.json(), StandardCharsets.UTF_8);

        assertThat(text).contains("\"user_id\":\"zoë\"");
    }

    // ------------------------------------------------------------------ rooms

    private static final io.beacon.rooms.RoomMember ALICE = new io.beacon.rooms.RoomMember("alice", 1, java.util.Set.of("mallory"),
            List.of(new io.beacon.rooms.RoomSession("s1", "node-a", Device.WEB, "{\"mode\":\"editing\",\"cursor\":{\"x\":1}}", T),
                    new io.beacon.rooms.RoomSession("s2", "node-b", Device.MOBILE, null, T + 5)));

    @Test
    void aRoomMemberShowsItsSessionsButNeitherNodesNorBlocks() {
        JsonNode m = tree(ALICE.json());
        assertThat(m.toString()).isEqualTo("{\"user_id\":\"alice\",\"sessions\":["
                + "{\"session_id\":\"s1\",\"device\":\"web\",\"meta\":{\"mode\":\"editing\",\"cursor\":{\"x\":1}},\"joined_at\":" + T + "},"
                + "{\"session_id\":\"s2\",\"device\":\"mobile\",\"meta\":{},\"joined_at\":" + (T + 5) + "}]}");
        assertThat(ALICE.json()).isSameAs(ALICE.json());
    }

    @Test
    void roomSnapshotWithEveryField() {
        JsonNode n = tree(Messages.roomSnapshot("\"j1\"", "doc:42", List.of(ALICE), 230, 77, true, List.of("bob")));
        assertThat(fieldNames(n)).containsExactly("type", "id", "room", "members", "count", "version", "large", "typing");
        assertThat(n.get("id").asText()).isEqualTo("j1");
        assertThat(n.get("members").get(0)).isEqualTo(tree(ALICE.json()));
        assertThat(n.get("count").asInt()).isEqualTo(230);
        assertThat(n.get("typing").get(0).asText()).isEqualTo("bob");

        JsonNode small = tree(Messages.roomSnapshot(null, "doc:42", List.of(), 0, 0, false, List.of()));
        assertThat(fieldNames(small)).containsExactly("type", "room", "members", "count", "version");
    }

    @Test
    void roomDiffCarriesSinceAndVersion() {
        JsonNode n = tree(Messages.roomDiff("doc:42", List.of(ALICE), List.of("bob", "carol"), List.of(), 5, 70, 77, false));
        assertThat(fieldNames(n)).containsExactly("type", "room", "joins", "leaves", "updates", "count", "since", "version");
        assertThat(n.get("joins").get(0).get("user_id").asText()).isEqualTo("alice");
        assertThat(n.get("leaves").toString()).isEqualTo("[\"bob\",\"carol\"]");
        assertThat(n.get("updates")).isEmpty();
        assertThat(n.get("since").asLong()).isEqualTo(70);
        assertThat(tree(Messages.roomDiff("r", List.of(), List.of(), List.of(), 1, 1, 2, true)).get("large").asBoolean()).isTrue();
    }

    @Test
    void signalsCarryTheirDataAsIs() {
        assertThat(Messages.signal("chat:7", "bob", "read", "{\"marker\":\"m-1\"}").jsonString())
                .isEqualTo("{\"type\":\"signal\",\"room\":\"chat:7\",\"user_id\":\"bob\",\"kind\":\"read\",\"data\":{\"marker\":\"m-1\"}}");
        assertThat(Messages.signal("chat:7", "bob", "ping", null).jsonString())
                .isEqualTo("{\"type\":\"signal\",\"room\":\"chat:7\",\"user_id\":\"bob\",\"kind\":\"ping\"}");
    }

    @Test
    void theRestMembersPage() {
        JsonNode n = tree(Messages.roomMembersPage("doc:42", 3, 9, List.of(ALICE), "1"));
        assertThat(fieldNames(n)).containsExactly("room", "count", "version", "members", "next_cursor");
        assertThat(n.get("next_cursor").asText()).isEqualTo("1");
        assertThat(tree(Messages.roomMembersPage("doc:42", 1, 9, List.of(ALICE), null)).get("next_cursor").isNull()).isTrue();
    }
}
