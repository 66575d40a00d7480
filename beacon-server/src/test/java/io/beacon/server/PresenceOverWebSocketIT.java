package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The presence rules end to end, over real sockets, on a fake clock. */
class PresenceOverWebSocketIT {
    private ServerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private WsClient watcher(String user, String... targets) {
        WsClient w = f.healthy(f.connect(user, "web"));
        w.send("{\"type\":\"subscribe\",\"id\":\"sub\",\"user_ids\":[\"" + String.join("\",\"", targets) + "\"]}");
        w.next("presence_snapshot");
        return w;
    }

    @Test
    void twoUsersSeeEachOther() {
        WsClient alice = f.healthy(f.connect("alice", "web"));
        alice.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        JsonNode snap = alice.next("presence_snapshot");
        assertThat(snap.get("id").asInt()).isEqualTo(1);
        assertThat(snap.get("presences").get(0).get("status").asText()).isEqualTo("offline");

        WsClient bob = f.healthy(f.connect("bob", "mobile"));
        bob.send("{\"type\":\"subscribe\",\"id\":2,\"user_ids\":[\"alice\"]}");
        JsonNode aliceSeenByBob = bob.next("presence_snapshot").get("presences").get(0);
        assertThat(aliceSeenByBob.get("status").asText()).isEqualTo("online");
        assertThat(aliceSeenByBob.get("devices").get(0).get("device").asText()).isEqualTo("web");

        JsonNode bobSeenByAlice = alice.next("presence");
        assertThat(bobSeenByAlice.get("user_id").asText()).isEqualTo("bob");
        assertThat(bobSeenByAlice.get("status").asText()).isEqualTo("online");

        bob.send("{\"type\":\"set_status\",\"id\":3,\"status\":\"busy\"}");
        bob.next("ack");
        JsonNode busy = alice.next("presence");
        assertThat(busy.get("status").asText()).isEqualTo("busy");
        assertThat(busy.get("version").asLong()).isGreaterThan(bobSeenByAlice.get("version").asLong());

        bob.send("{\"type\":\"set_custom_status\",\"id\":4,\"text\":\"deep work\",\"emoji\":\"🎧\"}");
        bob.next("ack");
        assertThat(alice.next("presence").get("custom_status").get("emoji").asText()).isEqualTo("🎧");
    }

    @Test
    void closingOneOfTwoDevicesKeepsTheUserOnline() {
        WsClient w = watcher("alice", "bob");
        WsClient web = f.connect("bob", "web");
        f.healthy(f.connect("bob", "desktop"));
        w.next("presence");
        assertThat(w.next("presence").get("devices")).hasSize(2);

        f.closeAndAwait(web);
        f.advance(Duration.ofSeconds(6));
        JsonNode p = w.next("presence");
        assertThat(p.get("status").asText()).isEqualTo("online");
        assertThat(p.get("devices")).hasSize(1);
        assertThat(p.get("devices").get(0).get("device").asText()).isEqualTo("desktop");
    }

    @Test
    void lastCloseGivesOfflineWithLastSeenAfterTheGrace() {
        WsClient w = watcher("alice", "bob");
        WsClient bob = f.connect("bob", "web");
        w.next("presence");
        long closedAt = f.ticker.millis();
        f.closeAndAwait(bob);
        assertThat(w.drain(Duration.ofMillis(200))).as("nothing before the grace ends").isEmpty();
        f.advance(Duration.ofSeconds(4));
        assertThat(w.drain(Duration.ofMillis(100))).isEmpty();
        f.advance(Duration.ofSeconds(2));
        JsonNode off = w.next("presence");
        assertThat(off.get("status").asText()).isEqualTo("offline");
        assertThat(off.get("last_seen").asLong()).isEqualTo(closedAt);
    }

    @Test
    void resumeInsideTheGracePublishesNothing() {
        WsClient w = watcher("alice", "bob");
        WsClient bob = f.connect("bob", "web");
        JsonNode welcome = bob.seen.get(0);
        w.next("presence");
        f.closeAndAwait(bob);
        f.advance(Duration.ofSeconds(3));

        WsClient again = f.healthy(WsClient.hello(f.port(), f.token("bob"), "web", welcome.get("resume_token").asText()));
        assertThat(again.seen.get(0).get("session_id").asText()).isEqualTo(welcome.get("session_id").asText());
        f.advance(Duration.ofSeconds(30));
        assertThat(w.drain(Duration.ofMillis(200))).as("no offline/online flap").isEmpty();
    }

    @Test
    void silentClientThatNeverAnswersPingsIsDroppedAfterTheSessionTtl() throws Exception {
        WsClient w = watcher("alice", "bob");
        try (RawWsClient bob = new RawWsClient(f.port())) {
            bob.sendText("{\"type\":\"hello\",\"token\":\"" + f.token("bob") + "\",\"device\":\"mobile\"}");
            bob.readTextContaining("welcome");
            w.next("presence");
            long lastFrame = f.ticker.millis();

            f.advance(Duration.ofSeconds(20));
            RawWsClient.Frame ping = bob.read();
            assertThat(ping.opcode()).as("a ping at half the TTL").isEqualTo(0x9);
            f.advance(Duration.ofSeconds(15));
            assertThat(w.drain(Duration.ofMillis(100))).isEmpty();
            f.advance(Duration.ofSeconds(5));
            assertThat(bob.readCloseCode()).isEqualTo(4004);
            // dead since its last frame, 40 s ago: the grace has passed, offline comes with the TTL
            JsonNode off = w.next("presence");
            assertThat(off.get("status").asText()).isEqualTo("offline");
            assertThat(off.get("last_seen").asLong()).as("the last frame, not the detection").isEqualTo(lastFrame);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysOnline() {
        WsClient w = watcher("alice", "bob");
        WsClient bob = f.connect("bob", "web"); // the JDK client answers pings by itself, sends no heartbeats
        w.next("presence");
        for (int i = 0; i < 12; i++) {
            f.ticker.advanceMillis(5_000);
            f.server.tick();
            w.send("{\"type\":\"heartbeat\",\"id\":" + (1000 + i) + "}");
            w.next("ack");
            // give the automatic pong a moment to come back: I/O, not a timing rule
            bob.drain(Duration.ofMillis(50));
        }
        assertThat(bob.closeCode).isNotDone();
        assertThat(w.drain(Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void idleAfterNoActivityShowsAway() {
        WsClient w = watcher("alice", "bob");
        f.healthy(f.connect("bob", "web"));
        w.next("presence");
        f.advance(Duration.ofMinutes(5).plusSeconds(5));
        assertThat(w.next("presence").get("status").asText()).isEqualTo("away");
    }

    @Test
    void queryAndSelfView() {
        WsClient bob = f.healthy(f.connectOnline("bob", "web"));
        bob.send("{\"type\":\"set_status\",\"id\":1,\"status\":\"invisible\"}");
        bob.next("ack");
        WsClient alice = f.connect("alice", "web");
        alice.send("{\"type\":\"query\",\"id\":\"q\",\"user_ids\":[\"bob\"]}");
        assertThat(alice.next("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("offline");
        bob.send("{\"type\":\"query\",\"id\":\"q\",\"user_ids\":[\"bob\"]}");
        assertThat(bob.next("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("online");
    }
}
