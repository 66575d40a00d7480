package io.beacon.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.auth.TokenIssuer;
import io.beacon.auth.TokenVerifier;
import io.beacon.bus.InMemoryBus;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import io.beacon.transport.Gateway;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket session handler in an {@link EmbeddedChannel}. */
class WebSocketHandlerTest {
    private static final String SECRET = "ws-handler-test-secret-0123456789-0123456789";
    private final FakeTicker ticker = new FakeTicker();
    private final PresenceEngine engine = new PresenceEngine(EngineOptions.create(), ticker, Runnable::run,
            new InMemoryPresenceStore(), new InMemorySettingsStore(), new InMemoryBus(), Projection.PUBLIC);
    private final BeaconMetrics metrics = new BeaconMetrics(engine.stats());
    private final Gateway gateway = new Gateway(engine, Runnable::run, new TokenVerifier(SECRET, ticker::millis),
            new ClientMessages(ProtocolLimits.DEFAULTS), metrics, ticker);
    private final EmbeddedChannel channel = new EmbeddedChannel();

    WebSocketHandlerTest() {
        WebSocketHandler handler = new WebSocketHandler(gateway, channel, metrics, 50, 100);
        channel.pipeline().addLast(handler);
        handler.start();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private String nextText() {
        Object o = channel.readOutbound();
        assertThat(o).isInstanceOf(TextWebSocketFrame.class);
        TextWebSocketFrame f = (TextWebSocketFrame) o;
        try {
            return f.text();
        } finally {
            f.release();
        }
    }

    @Test
    void firstFrameMustBeHello() {
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"heartbeat\"}"));
        assertThat(nextText()).contains("\"code\":\"bad_request\"", "first message must be hello");
        CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(4001);
        close.release();
    }

    @Test
    void helloWelcomesAndHeartbeatsAreAnsweredOnTheIoThread() {
        String token = new TokenIssuer(SECRET, ticker::millis).issue("alice", Duration.ofMinutes(5));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"web\"}"));
        assertThat(nextText()).contains("\"type\":\"welcome\"", "\"user_id\":\"alice\"");
        ticker.advanceMillis(1000);
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"heartbeat\",\"id\":7}"));
        assertThat(nextText()).isEqualTo("{\"type\":\"ack\",\"id\":7}");
        assertThat(engine.stats().sessions()).isEqualTo(1);
    }

    @Test
    void pingsAreAnsweredWithPongs() {
        channel.writeInbound(new PingWebSocketFrame());
        Object o = channel.readOutbound();
        assertThat(o).isInstanceOf(PongWebSocketFrame.class);
        ((PongWebSocketFrame) o).release();
    }
}
