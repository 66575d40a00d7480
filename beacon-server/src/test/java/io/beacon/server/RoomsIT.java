package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rooms over real sockets (WebSocket, SSE, REST) on a fake clock: contract §4 end to end. */
class RoomsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ServerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private WsClient member(String user, String device, String room) {
        WsClient c = f.healthy(f.connectToRooms(user, device));
        c.send("{\"type\":\"join\",\"id\":\"join\",\"room\":\"" + room + "\"}");
        JsonNode snap = c.next("room_snapshot");
        assertThat(snap.get("id").asText()).isEqualTo("join");
        return c;
    }

    private static List<String> users(JsonNode members) {
        List<String> out = new ArrayList<>();
        members.forEach(m -> out.add(m.get("user_id").asText()));
        return out;
    }

    private HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .header("Authorization", "Bearer " + ServerFixture.API_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void joinMetaSignalAndLeaveOverWebSockets() {
        WsClient alice = member("alice", "web", "doc:42");
        WsClient bob = f.healthy(f.connectToRooms("bob", "mobile"));
        bob.send("{\"type\":\"join\",\"id\":1,\"room\":\"doc:42\",\"meta\":{\"mode\":\"viewing\"}}");
        JsonNode snap = bob.next("room_snapshot");
        assertThat(users(snap.get("members"))).containsExactly("alice", "bob");
        assertThat(snap.get("count").asInt()).isEqualTo(2);
        JsonNode joined = alice.next("room_diff");
        assertThat(users(joined.get("joins"))).containsExactly("bob");
        JsonNode session = joined.get("joins").get(0).get("sessions").get(0);
        assertThat(session.get("device").asText()).isEqualTo("mobile");
        assertThat(session.get("meta").get("mode").asText()).isEqualTo("viewing");

        f.advance(Duration.ofMillis(100));
        bob.send("{\"type\":\"room_meta\",\"id\":2,\"room\":\"doc:42\",\"meta\":{\"mode\":\"editing\",\"cursor\":{\"x\":10,\"y\":20}}}");
        assertThat(bob.next("ack").get("id").asInt()).isEqualTo(2);
        JsonNode update = alice.next("room_diff");
        assertThat(update.get("since").asLong()).isEqualTo(joined.get("version").asLong());
        assertThat(update.get("updates").get(0).get("sessions").get(0).get("meta").get("cursor").get("x").asInt()).isEqualTo(10);

        bob.send("{\"type\":\"signal\",\"id\":3,\"room\":\"doc:42\",\"kind\":\"typing\"}");
        bob.next("ack");
        JsonNode typing = alice.next("signal");
        assertThat(typing.get("user_id").asText()).isEqualTo("bob");
        assertThat(typing.get("data").get("typing").asBoolean()).isTrue();
        f.advance(Duration.ofSeconds(7));
        assertThat(alice.next("signal").get("data").get("typing").asBoolean()).as("typing expired").isFalse();

        bob.send("{\"type\":\"leave\",\"id\":4,\"room\":\"doc:42\"}");
        assertThat(bob.next("ack").get("id").asInt()).isEqualTo(4);
        JsonNode left = alice.next("room_diff");
        assertThat(left.get("leaves").get(0).asText()).isEqualTo("bob");
        assertThat(left.get("count").asInt()).isEqualTo(1);
    }

    @Test
    void theTokensRoomsClaimIsEnforced() {
        WsClient c = f.healthy(WsClient.hello(f.port(), f.token("alice", List.of("doc:*")), "web"));
        c.send("{\"type\":\"join\",\"id\":1,\"room\":\"doc:7\"}");
        assertThat(c.next("room_snapshot").get("room").asText()).isEqualTo("doc:7");
        c.send("{\"type\":\"join\",\"id\":2,\"room\":\"chat:7\"}");
        JsonNode e = c.next("error");
        assertThat(e.get("code").asText()).isEqualTo("forbidden");
        assertThat(e.get("id").asInt()).isEqualTo(2);

        WsClient plain = f.connect("bob", "web"); // no rooms claim: no room
        plain.send("{\"type\":\"join\",\"id\":3,\"room\":\"doc:7\"}");
        assertThat(plain.next("error").get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void badRoomMessagesGetTheirCodeAndChangeNothing() {
        WsClient watcher = member("watcher", "web", "r");
        WsClient m = f.healthy(f.connectToRooms("mallory", "web"));
        String[][] cases = {
                {"{\"type\":\"join\",\"id\":1}", "bad_request"},
                {"{\"type\":\"join\",\"id\":2,\"room\":\"" + "x".repeat(257) + "\"}", "too_large"},
                {"{\"type\":\"join\",\"id\":3,\"room\":\"r\",\"meta\":\"editing\"}", "bad_request"},
                {"{\"type\":\"join\",\"id\":4,\"room\":\"r\",\"meta\":{\"blob\":\"" + "b".repeat(1100) + "\"}}", "too_large"},
                {"{\"type\":\"leave\",\"id\":5,\"room\":\"r\"}", "not_found"},
                {"{\"type\":\"room_meta\",\"id\":6,\"room\":\"r\",\"meta\":{}}", "not_found"},
                {"{\"type\":\"signal\",\"id\":7,\"room\":\"r\",\"kind\":\"typing\"}", "not_found"},
                {"{\"type\":\"signal\",\"id\":8,\"room\":\"r\",\"kind\":\"bad kind\"}", "bad_request"},
                {"{\"type\":\"signal\",\"id\":9,\"room\":\"r\",\"kind\":\"read\"}", "bad_request"},
        };
        for (String[] c : cases) {
            m.send(c[0]);
            JsonNode e = m.next("error");
            assertThat(e.get("code").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(e.get("message").asText()).isNotBlank();
        }
        assertThat(watcher.drain(Duration.ofMillis(200))).as("nobody else noticed").isEmpty();
        m.send("{\"type\":\"join\",\"id\":\"ok\",\"room\":\"r\"}");
        assertThat(m.next("room_snapshot").get("count").asInt()).as("the connection lives on").isEqualTo(2);
    }

    @Test
    void aDroppedMemberLeavesAfterTheGraceOnceAndAResumeLeavesNothing() {
        WsClient alice = member("alice", "web", "doc:1");
        WsClient bob = f.connectToRooms("bob", "web");
        bob.send("{\"type\":\"join\",\"room\":\"doc:1\"}");
        bob.next("room_snapshot");
        String resume = bob.seen.get(0).get("resume_token").asText();
        alice.next("room_diff");

        f.closeAndAwait(bob);
        f.advance(Duration.ofSeconds(3));
        WsClient back = f.healthy(WsClient.hello(f.port(), f.token("bob", List.of("*")), "web", resume));
        JsonNode snap = back.next("room_snapshot");
        assertThat(users(snap.get("members"))).containsExactly("alice", "bob");
        f.advance(Duration.ofSeconds(10));
        assertThat(alice.drain(Duration.ofMillis(200))).as("no leave, no join").noneMatch(n -> n.path("type").asText().equals("room_diff"));

        f.closeAndAwait(back);
        f.advance(Duration.ofSeconds(4));
        assertThat(alice.drain(Duration.ofMillis(100))).noneMatch(n -> n.path("type").asText().equals("room_diff"));
        f.advance(Duration.ofSeconds(2));
        JsonNode left = alice.next("room_diff");
        assertThat(left.get("leaves").get(0).asText()).isEqualTo("bob");
        assertThat(left.get("joins")).isEmpty();
        assertThat(alice.drain(Duration.ofMillis(200))).noneMatch(n -> n.path("type").asText().equals("room_diff"));
    }

    @Test
    void blocksSetThroughTheUsersApiHideTheBlockerInTheRoom() throws Exception {
        WsClient bob = member("bob", "web", "chat:7");
        WsClient carol = member("carol", "web", "chat:7");
        assertThat(users(carol.seen.get(carol.seen.size() - 1).get("members"))).containsExactly("bob", "carol");

        assertThat(http("PUT", "/v1/users/bob/blocks", "{\"user_ids\":[\"carol\"]}").statusCode()).isEqualTo(200);
        JsonNode gone = carol.next("room_diff");
        assertThat(gone.get("leaves").get(0).asText()).isEqualTo("bob");
        assertThat(gone.get("count").asInt()).isEqualTo(1);

        bob.send("{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
        bob.send("{\"type\":\"signal\",\"id\":\"sync\",\"room\":\"chat:7\",\"kind\":\"read\",\"data\":{\"marker\":1}}");
        bob.next("ack");
        f.sync();
        assertThat(carol.drain(Duration.ofMillis(200))).as("no signal of the blocker").noneMatch(n -> n.path("type").asText().equals("signal"));
        carol.send("{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"wave\"}");
        assertThat(bob.next("signal").get("user_id").asText()).as("the blocker still hears the blocked").isEqualTo("carol");

        HttpResponse<String> list = http("GET", "/v1/rooms/chat:7/members?viewer=carol", null);
        assertThat(users(WsClient.JSON.readTree(list.body()).get("members"))).containsExactly("carol");
    }

    @Test
    void sseClientsJoinOnConnectAndUseTheCommandEndpoint() throws Exception {
        WsClient alice = member("alice", "web", "doc:9");
        String token = f.token("sam", List.of("doc:*"));
        try (SseClient sse = new SseClient(f.port(), token, "token=" + token + "&device=desktop&rooms=doc:9,doc:10", null)) {
            sse.next("welcome");
            // each room's join completes on its own: the snapshots may come in either order
            java.util.Map<String, JsonNode> snaps = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                JsonNode snap = sse.next("room_snapshot").data();
                snaps.put(snap.get("room").asText(), snap);
            }
            assertThat(snaps).containsOnlyKeys("doc:9", "doc:10");
            assertThat(users(snaps.get("doc:9").get("members"))).containsExactly("alice", "sam");
            assertThat(users(snaps.get("doc:10").get("members"))).containsExactly("sam");
            assertThat(users(alice.next("room_diff").get("joins"))).containsExactly("sam");

            f.advance(Duration.ofMillis(100));
            assertThat(sse.command("{\"type\":\"room_meta\",\"id\":1,\"room\":\"doc:9\",\"meta\":{\"mode\":\"editing\"}}").statusCode())
                    .isEqualTo(202);
            assertThat(sse.next("ack").data().get("id").asInt()).isEqualTo(1);
            assertThat(alice.next("room_diff").get("updates").get(0).get("sessions").get(0).get("device").asText()).isEqualTo("desktop");

            alice.send("{\"type\":\"signal\",\"room\":\"doc:9\",\"kind\":\"read\",\"data\":{\"marker\":\"m-5\"}}");
            JsonNode sig = sse.next("signal").data();
            assertThat(sig.get("data").get("marker").asText()).isEqualTo("m-5");
            assertThat(sse.command("{\"type\":\"join\",\"id\":2,\"room\":\"chat:1\"}").statusCode()).isEqualTo(202);
            assertThat(sse.next("error").data().get("code").asText()).isEqualTo("forbidden");
            HttpResponse<String> tooLong = sse.command("{\"type\":\"leave\",\"id\":3,\"room\":\"" + "x".repeat(300) + "\"}");
            assertThat(tooLong.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void theMembersEndpointPagesThroughTheWholeRoom() throws Exception {
        for (int i = 0; i < 5; i++) {
            member("m" + i, "web", "team/a b");
        }
        String room = URLEncoder.encode("team/a b", StandardCharsets.UTF_8).replace("+", "%20");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = http("GET", "/v1/rooms/" + room + "/members?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode page = WsClient.JSON.readTree(r.body());
            assertThat(page.get("room").asText()).isEqualTo("team/a b");
            assertThat(page.get("count").asInt()).isEqualTo(5);
            seen.addAll(users(page.get("members")));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("m0", "m1", "m2", "m3", "m4");

        JsonNode empty = WsClient.JSON.readTree(http("GET", "/v1/rooms/nobody-here/members", null).body());
        assertThat(empty.get("count").asInt()).isZero();
        assertThat(empty.get("members")).isEmpty();
        assertThat(http("GET", "/v1/rooms/r/members?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(http("GET", "/v1/rooms/r/members?limit=1001", null).statusCode()).isEqualTo(400);
        assertThat(http("GET", "/v1/rooms/r/members?cursor=abc", null).statusCode()).isEqualTo(400);
        assertThat(http("POST", "/v1/rooms/r/members", "{}").statusCode()).isEqualTo(400);
        assertThat(http("GET", "/v1/rooms//members", null).statusCode()).isEqualTo(404);
        assertThat(http("GET", "/v1/rooms/" + "x".repeat(300) + "/members", null).statusCode()).isEqualTo(413);
        HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + "/v1/rooms/r/members"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
    }

    @Test
    void roomMetricsAreExported() throws Exception {
        member("a", "web", "r");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("beacon_rooms 1.0", "beacon_room_members 1.0", "beacon_room_messages_total");
    }
}
