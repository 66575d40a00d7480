package io.beacon.transport;

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
import io.beacon.rest.RestApi;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import io.beacon.transport.sse.SseTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router and the SSE command path in an {@link EmbeddedChannel}: no sockets needed. */
class HttpRouterTest {
    private static final String SECRET = "router-test-secret-0123456789-0123456789";
    private final FakeTicker ticker = new FakeTicker();
    private final PresenceEngine engine = new PresenceEngine(EngineOptions.create(), ticker, Runnable::run,
            new InMemoryPresenceStore(), new InMemorySettingsStore(), new InMemoryBus(), Projection.PUBLIC);
    private final BeaconMetrics metrics = new BeaconMetrics(engine.stats());
    private final ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
    private final Gateway gateway = new Gateway(engine, Runnable::run, new TokenVerifier(SECRET, ticker::millis), parser, metrics, ticker);
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new HttpRouter(gateway, new SseTransport(gateway, metrics, 50, 100),
                    new RestApi(engine, parser, "router-test-api-key", metrics, () -> true, 10_000),
                    new io.beacon.rest.UsersApi(new InMemorySettingsStore(), engine, Runnable::run, parser,
                            io.beacon.settings.Visibility.CONTACTS, 10_000, ticker::millis),
                    metrics, 65536, 50, 100));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse request(HttpMethod method, String uri, String body, String bearer) {
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
        if (bearer != null) {
            req.headers().set("Authorization", "Bearer " + bearer);
        }
        channel.writeInbound(req);
        FullHttpResponse res = channel.readOutbound();
        assertThat(res).as("a response to %s %s", method, uri).isNotNull();
        return res;
    }

    private static String body(FullHttpResponse res) {
        try {
            return res.content().toString(StandardCharsets.UTF_8);
        } finally {
            res.release();
        }
    }

    @Test
    void unknownPathIs404WithJsonError() {
        FullHttpResponse res = request(HttpMethod.GET, "/v2/whatever", null, null);
        assertThat(res.status().code()).isEqualTo(404);
        assertThat(res.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(body(res)).startsWith("{\"code\":\"not_found\"");
    }

    @Test
    void wrongMethodIsRefused() {
        FullHttpResponse res = request(HttpMethod.DELETE, "/healthz", null, null);
        assertThat(res.status().code()).isEqualTo(400);
        assertThat(body(res)).contains("use GET");
    }

    @Test
    void healthAndReadiness() {
        assertThat(body(request(HttpMethod.GET, "/healthz", null, null))).isEqualTo("{\"status\":\"ok\"}");
        assertThat(request(HttpMethod.GET, "/readyz", null, null).status().code()).isEqualTo(200);
    }

    @Test
    void connectWithoutUpgradeIsABadRequest() {
        FullHttpResponse res = request(HttpMethod.GET, "/v1/connect", null, null);
        assertThat(res.status().code()).isEqualTo(400);
        res.release();
    }

    @Test
    void commandForAnUnknownSessionIs404() {
        String token = new TokenIssuer(SECRET, ticker::millis).issue("alice", Duration.ofMinutes(5));
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/commands",
                Unpooled.copiedBuffer("{\"type\":\"heartbeat\"}", StandardCharsets.UTF_8));
        req.headers().set("Authorization", "Bearer " + token);
        req.headers().set("X-Beacon-Session", "no-such-session");
        channel.writeInbound(req);
        FullHttpResponse res = channel.readOutbound();
        assertThat(res.status().code()).isEqualTo(404);
        assertThat(body(res)).contains("not_found");
    }

    @Test
    void aggregatorRefusesBodiesOverTheLimitWith413() {
        EmbeddedChannel limited = new EmbeddedChannel(new io.netty.handler.codec.http.HttpServerCodec(), new HttpInitializer.JsonErrorAggregator(1024));
        try {
            String head = "POST /v1/presence/query HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n";
            limited.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
            ByteBuf out = limited.readOutbound();
            StringBuilder all = new StringBuilder(out.toString(StandardCharsets.US_ASCII));
            out.release();
            for (Object more = limited.readOutbound(); more != null; more = limited.readOutbound()) {
                all.append(((ByteBuf) more).toString(StandardCharsets.US_ASCII));
                ((ByteBuf) more).release();
            }
            assertThat(all.toString()).startsWith("HTTP/1.1 413").contains("{\"code\":\"too_large\"");
        } finally {
            limited.finishAndReleaseAll();
        }
    }
}
