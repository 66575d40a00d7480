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
                    new io.beacon.rest.AdminStats(engine.stats(), metrics, engine::nodeId, false, () -> true, ticker::millis),
                    io.beacon.rest.DevTokens.create(true, "127.0.0.1", SECRET, ticker::millis),
                    new io.beacon.rest.DevContacts(io.beacon.rest.DevTokens.create(true, "127.0.0.1", SECRET, ticker::millis),
                            new TokenVerifier(SECRET, ticker::millis), new InMemorySettingsStore(), engine, Runnable::run, parser),
                    WebAssets.fromClasspath(),
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

    /** The body as text; releases the response. */
    static String body(FullHttpResponse res) {
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

    @Test
    void webPagesAreRoutedToTheirFiles() {
        FullHttpResponse admin = request(HttpMethod.GET, "/admin", null, null);
        assertThat(admin.status().code()).isEqualTo(200);
        assertThat(admin.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(admin.headers().get("Content-Security-Policy")).isNotNull();
        assertThat(body(admin)).contains("/admin/admin.js");
        assertThat(body(request(HttpMethod.GET, "/admin/", null, null))).contains("/admin/admin.js");
        FullHttpResponse js = request(HttpMethod.GET, "/admin/admin.js?v=1", null, null);
        assertThat(js.headers().get("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        js.release();
        FullHttpResponse index = request(HttpMethod.GET, "/", null, null);
        assertThat(index.status().code()).isEqualTo(200);
        assertThat(index.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
        index.release();
        FullHttpResponse head = request(HttpMethod.HEAD, "/index.html", null, null);
        assertThat(head.status().code()).isEqualTo(200);
        assertThat(head.content().readableBytes()).isZero();
        head.release();
    }

    @Test
    void traversalAndMissingFilesAre404() {
        for (String uri : new String[] {"/admin/../admin.html", "/admin/%2e%2e/admin.html", "/admin/%2E%2E%2Fadmin.html",
                "/sdk/..%2f..%2flogback.xml", "/demo/..\\admin.html", "/admin/.%2e/logback.xml", "/sdk/", "/sdk/nothing.js",
                "/demo/nothing.css", "/admin/admin.js/", "/admin.html", "/logback.xml", "/web/admin.html"}) {
            FullHttpResponse res = request(HttpMethod.GET, uri, null, null);
            assertThat(res.status().code()).as(uri).isEqualTo(404);
            assertThat(body(res)).as(uri).startsWith("{\"code\":\"not_found\"");
        }
    }

    @Test
    void assetDirectories() {
        assertThat(HttpRouter.assetName("/sdk/beacon.js")).isEqualTo("sdk/beacon.js");
        assertThat(HttpRouter.assetName("/demo/app.css")).isEqualTo("demo/app.css");
        assertThat(HttpRouter.assetName("/admin/admin.js")).isEqualTo("admin/admin.js");
        assertThat(HttpRouter.assetName("/common/base.css")).isEqualTo("common/base.css");
        assertThat(HttpRouter.assetName("/favicon.ico")).isEqualTo("favicon.ico");
        assertThat(HttpRouter.assetName("/v1/presence/bob")).isNull();
        assertThat(HttpRouter.assetName("/sdkx/beacon.js")).isNull();
    }

    @Test
    void adminStatsNeedTheApiKey() throws Exception {
        FullHttpResponse none = request(HttpMethod.GET, "/v1/admin/stats", null, null);
        assertThat(none.status().code()).isEqualTo(401);
        none.release();
        FullHttpResponse ok = request(HttpMethod.GET, "/v1/admin/stats", null, "router-test-api-key");
        assertThat(ok.status().code()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode stats = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body(ok));
        for (String field : new String[] {"connections", "sessions", "online_users", "watched_users", "rooms", "room_members",
                "messages_in_total", "messages_out_total", "presence_changes_total", "presence_deliveries_total",
                "room_messages_total", "signals_total", "errors_total", "uptime_ms", "server_time"}) {
            assertThat(stats.get(field)).as(field).isNotNull();
            assertThat(stats.get(field).isNumber()).as(field).isTrue();
        }
        assertThat(stats.get("server_time").asLong()).isEqualTo(ticker.millis());
        assertThat(stats.get("node_id").asText()).isEqualTo(engine.nodeId());
        assertThat(stats.get("cluster").asBoolean()).isFalse();
        assertThat(stats.get("ready").asBoolean()).isTrue();
        FullHttpResponse post = request(HttpMethod.POST, "/v1/admin/stats", null, "router-test-api-key");
        assertThat(post.status().code()).isEqualTo(400);
        post.release();
    }

    @Test
    void devEndpointsAnswerAnEmbeddedChannelThatIsNoLoopbackPeer() {
        assertThat(body(request(HttpMethod.GET, "/v1/dev/info", null, null))).startsWith("{\"dev\":false");
        FullHttpResponse mint = request(HttpMethod.POST, "/v1/dev/token", "{\"user_id\":\"alice\"}", null);
        assertThat(mint.status().code()).isEqualTo(404);
        assertThat(body(mint)).contains("loopback");
        FullHttpResponse get = request(HttpMethod.GET, "/v1/dev/token", null, null);
        assertThat(get.status().code()).isEqualTo(400);
        get.release();
        FullHttpResponse contacts = request(HttpMethod.POST, "/v1/dev/contacts", "{\"add\":[\"bob\"]}", "any-token");
        assertThat(contacts.status().code()).isEqualTo(404);
        assertThat(body(contacts)).contains("loopback");
        FullHttpResponse contactsGet = request(HttpMethod.GET, "/v1/dev/contacts", null, null);
        assertThat(contactsGet.status().code()).isEqualTo(400);
        contactsGet.release();
    }
}
