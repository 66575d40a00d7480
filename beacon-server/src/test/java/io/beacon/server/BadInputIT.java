package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.auth.TokenIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gets its error code or close code, changes nothing, and hurts no one else. */
class BadInputIT {
    private ServerFixture f;
    private WsClient bystander;

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture(b -> b.maxSubscriptions(3).maxMessagesPerSecond(5));
        bystander = f.healthy(f.connect("bystander", "web")); // heart-beaten whenever a test moves the clock
        bystander.send("{\"type\":\"subscribe\",\"id\":0,\"user_ids\":[\"carol\"]}");
        bystander.next("presence_snapshot");
    }

    @AfterEach
    void bystanderStillServed() throws Exception {
        try {
            WsClient carol = f.connect("carol", "web");
            assertThat(bystander.next("presence").get("status").asText()).isEqualTo("online");
            carol.close();
        } finally {
            f.close();
        }
    }

    private static String code(JsonNode error) {
        return error.get("code").asText();
    }

    @Test
    void malformedJsonIsBadRequestAndTheConnectionLives() {
        WsClient c = f.connect("mallory", "web");
        c.send("{\"type\":\"subscribe\",");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("[1,2,3]");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("{\"type\":\"heartbeat\",\"id\":\"still-here\"}");
        assertThat(c.next("ack").get("id").asText()).isEqualTo("still-here");
    }

    @Test
    void unknownTypeIsUnsupported() {
        WsClient c = f.connect("mallory", "web");
        c.send("{\"type\":\"teleport\",\"id\":9}");
        JsonNode e = c.next("error");
        assertThat(code(e)).isEqualTo("unsupported");
        assertThat(e.get("id").asInt()).isEqualTo(9);
        c.send("{\"type\":\"presence\",\"id\":10}");
        assertThat(code(c.next("error"))).isEqualTo("unsupported");
    }

    @Test
    void missingAndWrongTypedFieldsAreBadRequestsWithTheirId() {
        WsClient c = f.connect("mallory", "web");
        c.send("{\"type\":\"subscribe\",\"id\":\"a\"}");
        JsonNode e = c.next("error");
        assertThat(code(e)).isEqualTo("bad_request");
        assertThat(e.get("id").asText()).isEqualTo("a");
        assertThat(e.get("message").asText()).contains("user_ids");
        c.send("{\"type\":\"subscribe\",\"id\":\"b\",\"user_ids\":\"carol\"}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("{\"type\":\"subscribe\",\"id\":\"c\",\"user_ids\":[42]}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("{\"type\":\"set_status\",\"id\":\"d\",\"status\":\"sleeping\"}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("{\"type\":\"set_status\",\"id\":{\"x\":1},\"status\":\"busy\"}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        c.send("{\"type\":\"activity\",\"id\":\"e\",\"state\":true}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
    }

    @Test
    void stringsOverTheirLimitsAreTooLargeAndChangeNothing() {
        WsClient c = f.connect("carol", "web");
        bystander.next("presence");
        c.send("{\"type\":\"set_custom_status\",\"id\":1,\"text\":\"" + "x".repeat(129) + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("too_large");
        c.send("{\"type\":\"set_activity\",\"id\":2,\"activity\":\"" + "y".repeat(65) + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("too_large");
        c.send("{\"type\":\"subscribe\",\"id\":3,\"user_ids\":[\"" + "z".repeat(257) + "\"]}");
        assertThat(code(c.next("error"))).isEqualTo("too_large");
        assertThat(bystander.drain(Duration.ofMillis(200))).as("nothing changed").isEmpty();
        f.closeAndAwait(c);
        f.advance(Duration.ofSeconds(6));
        assertThat(bystander.next("presence").get("status").asText()).isEqualTo("offline");
    }

    @Test
    void framesOver64KiBAreTooLargeAndClose1009() throws Exception {
        try (RawWsClient raw = new RawWsClient(f.port())) {
            raw.sendText("{\"type\":\"hello\",\"token\":\"" + f.token("mallory") + "\"}");
            raw.readTextContaining("welcome");
            raw.sendText("{\"type\":\"heartbeat\",\"pad\":\"" + "p".repeat(70 * 1024) + "\"}");
            assertThat(raw.readTextContaining("error")).contains("too_large");
            assertThat(raw.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void firstFrameThatIsNotHelloCloses4001() {
        WsClient c = WsClient.connect(f.port());
        c.send("{\"type\":\"subscribe\",\"user_ids\":[\"carol\"]}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
        assertThat(c.awaitClose()).isEqualTo(4001);
    }

    @Test
    void noHelloWithinTenSecondsCloses4001() {
        WsClient c = WsClient.connect(f.port());
        f.sync();
        f.ticker.advanceMillis(9_000);
        f.server.tick();
        assertThat(c.drain(Duration.ofMillis(100))).isEmpty();
        f.ticker.advanceMillis(1_100);
        f.server.tick();
        assertThat(code(c.next("error"))).isEqualTo("unauthorized");
        assertThat(c.awaitClose()).isEqualTo(4001);
    }

    @Test
    void forgedSignatureCloses4001() {
        String forged = new TokenIssuer("another-secret-0123456789-0123456789-xyz", f.ticker::millis).issue("carol", Duration.ofHours(1));
        WsClient c = WsClient.connect(f.port());
        c.send("{\"type\":\"hello\",\"token\":\"" + forged + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("unauthorized");
        assertThat(c.awaitClose()).isEqualTo(4001);
    }

    @Test
    void algNoneCloses4001() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"carol\",\"exp\":" + (f.ticker.millis() / 1000 + 3600) + "}").getBytes(StandardCharsets.UTF_8)) + ".";
        WsClient c = WsClient.connect(f.port());
        c.send("{\"type\":\"hello\",\"token\":\"" + none + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("unauthorized");
        assertThat(c.awaitClose()).isEqualTo(4001);
    }

    @Test
    void expiredTokenCloses4002() {
        String token = f.issuer.issue("carol", Duration.ofSeconds(5));
        f.ticker.advanceMillis(6_000);
        WsClient c = WsClient.connect(f.port());
        c.send("{\"type\":\"hello\",\"token\":\"" + token + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("token_expired");
        assertThat(c.awaitClose()).isEqualTo(4002);
    }

    @Test
    void aTokenThatExpiresDuringTheSessionClosesIt4002() {
        WsClient c = WsClient.hello(f.port(), f.issuer.issue("carol", Duration.ofSeconds(30)), "web");
        bystander.next("presence");
        f.advance(Duration.ofSeconds(25)); // the JDK client answers the ping at 20 s by itself
        assertThat(c.closeCode).isNotDone();
        f.advance(Duration.ofSeconds(10));
        assertThat(code(c.next("error"))).isEqualTo("token_expired");
        assertThat(c.awaitClose()).isEqualTo(4002);
        f.advance(Duration.ofSeconds(6));
        assertThat(bystander.next("presence").get("status").asText()).as("gone after the grace").isEqualTo("offline");
    }

    @Test
    void messageRateIsLimitedPerConnection() {
        WsClient c = f.connect("mallory", "web");
        for (int i = 0; i < 30; i++) {
            c.send("{\"type\":\"heartbeat\",\"id\":" + i + "}");
        }
        c.drain(Duration.ofMillis(300));
        long limited = c.seen.stream().filter(n -> n.path("code").asText().equals("rate_limited")).count();
        long acked = c.seen.stream().filter(n -> n.path("type").asText().equals("ack")).count();
        assertThat(limited).isPositive();
        assertThat(acked).isBetween(5L, 12L); // burst of 10 at 5/s (time is fake: no refill)
        f.ticker.advanceMillis(2_000);
        c.send("{\"type\":\"heartbeat\",\"id\":\"later\"}");
        assertThat(c.next("ack").path("id").asText()).isIn("later", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    @Test
    void subscriptionLimitIsTooLarge() {
        WsClient c = f.connect("mallory", "web");
        c.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"a\",\"b\",\"c\",\"d\"]}");
        JsonNode e = c.next("error");
        assertThat(code(e)).isEqualTo("too_large");
        c.send("{\"type\":\"subscribe\",\"id\":2,\"user_ids\":[\"a\",\"b\",\"c\"]}");
        assertThat(c.next("presence_snapshot").get("presences")).hasSize(3);
    }

    @Test
    void binaryFramesAreUnsupported() throws Exception {
        try (RawWsClient raw = new RawWsClient(f.port())) {
            raw.sendText("{\"type\":\"hello\",\"token\":\"" + f.token("mallory") + "\"}");
            raw.readTextContaining("welcome");
            raw.sendFrame(0x2, new byte[] {1, 2, 3});
            assertThat(raw.readTextContaining("error")).contains("unsupported");
            raw.sendText("{\"type\":\"heartbeat\",\"id\":1}");
            assertThat(raw.readTextContaining("ack")).contains("\"id\":1");
        }
    }

    @Test
    void aSecondHelloIsRefused() {
        WsClient c = f.connect("mallory", "web");
        c.send("{\"type\":\"hello\",\"id\":5,\"token\":\"" + f.token("mallory") + "\"}");
        assertThat(code(c.next("error"))).isEqualTo("bad_request");
    }
}
