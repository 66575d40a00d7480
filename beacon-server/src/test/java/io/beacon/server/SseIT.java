package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SSE transport over real HTTP: stream, commands, resume with Last-Event-ID. */
class SseIT {
    private ServerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void streamCarriesWelcomeSnapshotAndLiveUpdates() throws Exception {
        try (SseClient sse = new SseClient(f.port(), f.token("alice"), "token=" + f.token("alice") + "&device=desktop&subscribe=bob,carol", null)) {
            assertThat(sse.status).isEqualTo(200);
            SseClient.Event welcome = sse.next("welcome");
            assertThat(welcome.data().get("user_id").asText()).isEqualTo("alice");
            assertThat(welcome.id()).startsWith(welcome.data().get("resume_token").asText() + ".");
            SseClient.Event snap = sse.next("presence_snapshot");
            assertThat(snap.data().get("presences")).hasSize(2);

            WsClient bob = f.connect("bob", "mobile");
            SseClient.Event update = sse.next("presence");
            assertThat(update.data().get("user_id").asText()).isEqualTo("bob");
            assertThat(update.data().get("status").asText()).isEqualTo("online");

            // alice is visible to WebSocket users as a desktop session
            bob.send("{\"type\":\"query\",\"id\":1,\"user_ids\":[\"alice\"]}");
            assertThat(bob.next("presence_snapshot").get("presences").get(0).get("devices").get(0).get("device").asText()).isEqualTo("desktop");
        }
    }

    @Test
    void commandsAreAcceptedAndAnsweredOnTheStream() throws Exception {
        WsClient bob = f.connect("bob", "web");
        bob.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"alice\"]}");
        bob.next("presence_snapshot");
        try (SseClient sse = new SseClient(f.port(), f.token("alice"), "token=" + f.token("alice"), null)) {
            sse.next("welcome");
            bob.next("presence");
            HttpResponse<String> res = sse.command("{\"type\":\"set_status\",\"id\":\"s\",\"status\":\"busy\"}");
            assertThat(res.statusCode()).isEqualTo(202);
            assertThat(sse.next("ack").data().get("id").asText()).isEqualTo("s");
            assertThat(bob.next("presence").get("status").asText()).isEqualTo("busy");

            HttpResponse<String> bad = sse.command("{\"type\":\"set_status\",\"id\":\"t\",\"status\":\"nope\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("\"code\":\"bad_request\"");

            assertThat(sse.command("{\"type\":\"heartbeat\"}", f.token("mallory"), sse.sessionId).statusCode())
                    .as("another user's session").isEqualTo(404);
            assertThat(sse.command("{\"type\":\"heartbeat\"}", null, sse.sessionId).statusCode()).isEqualTo(401);
            assertThat(sse.command("{\"type\":\"heartbeat\"}", f.token("alice"), null).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void badTokenIs401AndExpiredSaysSo() throws Exception {
        try (SseClient sse = new SseClient(f.port(), "x", "token=not-a-jwt", null)) {
            assertThat(sse.status).isEqualTo(401);
        }
        String expiring = f.issuer.issue("alice", Duration.ofSeconds(1));
        f.ticker.advanceMillis(2_000);
        try (SseClient sse = new SseClient(f.port(), expiring, "token=" + expiring, null)) {
            assertThat(sse.status).isEqualTo(401);
        }
    }

    @Test
    void lastEventIdResumesTheSessionWithoutAFlap() throws Exception {
        WsClient bob = f.healthy(f.connect("bob", "web"));
        bob.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"alice\"]}");
        bob.next("presence_snapshot");
        String token = f.token("alice");
        String lastId;
        String sessionId;
        try (SseClient sse = new SseClient(f.port(), token, "token=" + token, null)) {
            sessionId = sse.next("welcome").data().get("session_id").asText();
            bob.next("presence");
            lastId = sse.lastEventId;
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> f.server.engine().stats().connections() == 1);
        f.advance(Duration.ofSeconds(3));
        try (SseClient again = new SseClient(f.port(), token, "token=" + token, lastId)) {
            JsonNode welcome = again.next("welcome").data();
            assertThat(welcome.get("session_id").asText()).isEqualTo(sessionId);
            f.advance(Duration.ofSeconds(10));
            assertThat(bob.drain(Duration.ofMillis(200))).as("no offline/online flap").isEmpty();
        }
    }
}
