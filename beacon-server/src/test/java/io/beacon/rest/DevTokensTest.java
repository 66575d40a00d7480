package io.beacon.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.auth.Principal;
import io.beacon.auth.TokenVerifier;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who may mint dev tokens, and what a minted token holds. */
class DevTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "dev-tokens-test-secret-0123456789-0123456789";
    private static final long NOW = 1_795_000_000_000L;

    private final PeerChannel channel = new PeerChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** @param moreHeaders name, value, name, value, … */
    private FullHttpResponse call(DevTokens tokens, HttpMethod method, String uri, String body, String host, String... moreHeaders) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (host != null) {
            req.headers().set("Host", host);
        }
        for (int i = 0; i < moreHeaders.length; i += 2) {
            req.headers().set(moreHeaders[i], moreHeaders[i + 1]);
        }
        if (method.equals(HttpMethod.GET)) {
            tokens.info(channel.ctx(), req);
        } else {
            tokens.mint(channel.ctx(), req);
        }
        req.release();
        FullHttpResponse res = channel.readOutbound();
        assertThat(res).isNotNull();
        return res;
    }

    private static JsonNode json(FullHttpResponse res) throws Exception {
        try {
            return JSON.readTree(res.content().toString(StandardCharsets.UTF_8));
        } finally {
            res.release();
        }
    }

    private FullHttpResponse mint(DevTokens tokens, String body) {
        return call(tokens, HttpMethod.POST, "/v1/dev/token", body, "127.0.0.1:7070");
    }

    private static DevTokens dev() {
        return DevTokens.create(true, "127.0.0.1", SECRET, () -> NOW);
    }

    @Test
    void loopbackServerAddresses() {
        assertThat(DevTokens.loopbackHost("127.0.0.1")).isTrue();
        assertThat(DevTokens.loopbackHost("127.0.0.2")).isTrue();
        assertThat(DevTokens.loopbackHost("::1")).isTrue();
        assertThat(DevTokens.loopbackHost("localhost")).isTrue();
        assertThat(DevTokens.loopbackHost("0.0.0.0")).isFalse();
        assertThat(DevTokens.loopbackHost("::")).isFalse();
        assertThat(DevTokens.loopbackHost("10.1.2.3")).isFalse();
    }

    @Test
    void loopbackHostHeadersNeedNoDns() {
        for (String ok : new String[] {"127.0.0.1", "127.0.0.1:7070", "localhost", "LOCALHOST:7070", "app.localhost:80",
                "[::1]:7070", "[::1]", "127.1.2.3:1", "localhost."}) {
            assertThat(DevTokens.loopbackHostHeader(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"evil.example", "evil.example:7070", "127.0.0.1.evil.example", "localhost.evil.example",
                "10.0.0.1:7070", "[::2]:7070", "[::1", "0.0.0.0:7070", "127.0.0.256", ""}) {
            assertThat(DevTokens.loopbackHostHeader(bad)).as(bad).isFalse();
        }
    }

    @Test
    void mintsAVerifiableTokenWithEveryRoomByDefault() throws Exception {
        FullHttpResponse res = mint(dev(), "{\"user_id\":\"alice\"}");
        assertThat(res.status().code()).isEqualTo(200);
        JsonNode body = json(res);
        assertThat(body.get("user_id").asText()).isEqualTo("alice");
        assertThat(body.get("rooms").toString()).isEqualTo("[\"*\"]");
        assertThat(body.get("expires_at").asLong()).isEqualTo((NOW + DevTokens.TTL.toMillis()) / 1000 * 1000);
        assertThat(body.has("device")).isFalse();
        Principal p = new TokenVerifier(SECRET, () -> NOW).verify(body.get("token").asText());
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.mayJoin("doc:42")).isTrue();
    }

    @Test
    void roomsAndDeviceAreTakenAsGiven() throws Exception {
        JsonNode body = json(mint(dev(), "{\"user_id\":\"bob\",\"rooms\":[\"doc:*\",\"chat:1\"],\"device\":\"mobile\"}"));
        Principal p = new TokenVerifier(SECRET, () -> NOW).verify(body.get("token").asText());
        assertThat(p.mayJoin("doc:7")).isTrue();
        assertThat(p.mayJoin("chat:1")).isTrue();
        assertThat(p.mayJoin("chat:2")).isFalse();
        assertThat(body.get("device").asText()).isEqualTo("mobile");

        JsonNode none = json(mint(dev(), "{\"user_id\":\"carol\",\"rooms\":[]}"));
        assertThat(new TokenVerifier(SECRET, () -> NOW).verify(none.get("token").asText()).mayJoin("doc:7")).isFalse();
    }

    @Test
    void badInputIsABadRequestThatSaysWhy() throws Exception {
        for (String[] c : new String[][] {
                {"", "JSON object"},
                {"{", "malformed JSON"},
                {"[]", "JSON object"},
                {"{}", "missing field \\\"user_id\\\""},
                {"{\"user_id\":7}", "\\\"user_id\\\" must be a string"},
                {"{\"user_id\":\"  \"}", "user id"},
                {"{\"user_id\":\"" + "x".repeat(300) + "\"}", "user id"},
                {"{\"user_id\":\"a\",\"rooms\":\"doc:*\"}", "\\\"rooms\\\" must be an array"},
                {"{\"user_id\":\"a\",\"rooms\":[1]}", "\\\"rooms\\\"[0] must be a string"},
                {"{\"user_id\":\"a\",\"rooms\":[\"a*b\"]}", "invalid room"},
                {"{\"user_id\":\"a\",\"device\":\"\"}", "device"},
                {"{\"user_id\":\"a\",\"ttl\":1}", "unknown field \\\"ttl\\\""}}) {
            FullHttpResponse res = mint(dev(), c[0]);
            assertThat(res.status().code()).as(c[0]).isEqualTo(400);
            String text = res.content().toString(StandardCharsets.UTF_8);
            res.release();
            assertThat(text).as(c[0]).startsWith("{\"code\":\"bad_request\"").contains(c[1]);
        }
    }

    @Test
    void refusedWithAReasonOutsideDevModeOrLoopback() throws Exception {
        DevTokens configured = DevTokens.create(false, "127.0.0.1", SECRET, () -> NOW);
        FullHttpResponse res = mint(configured, "{\"user_id\":\"alice\"}");
        assertThat(res.status().code()).isEqualTo(404);
        assertThat(json(res).get("message").asText()).contains("only minted in dev mode").contains("jwt_secret");

        DevTokens public0 = DevTokens.create(true, "0.0.0.0", SECRET, () -> NOW);
        assertThat(json(mint(public0, "{\"user_id\":\"alice\"}")).get("message").asText()).contains("listens on 0.0.0.0");
        JsonNode info = json(call(public0, HttpMethod.GET, "/v1/dev/info", null, "127.0.0.1"));
        assertThat(info.get("dev").asBoolean()).isFalse();
        assertThat(info.get("reason").asText()).contains("loopback");

        channel.peer = new InetSocketAddress("192.0.2.7", 40_000);
        FullHttpResponse far = mint(dev(), "{\"user_id\":\"alice\"}");
        assertThat(far.status().code()).isEqualTo(404);
        assertThat(json(far).get("message").asText()).contains("did not come from a loopback address");
    }

    @Test
    void aRebindingPageIsRefusedByItsHost() throws Exception {
        FullHttpResponse res = call(dev(), HttpMethod.POST, "/v1/dev/token", "{\"user_id\":\"alice\"}", "evil.example:7070");
        assertThat(res.status().code()).isEqualTo(404);
        assertThat(json(res).get("message").asText()).contains("Host");
        assertThat(json(call(dev(), HttpMethod.GET, "/v1/dev/info", null, "localhost:7070")).get("dev").asBoolean()).isTrue();
    }

    @Test
    void aRequestThroughAReverseProxyIsRefused() throws Exception {
        // nginx's proxy_pass http://127.0.0.1:7070 connects from loopback with Host 127.0.0.1:7070
        for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Real-IP")) {
            FullHttpResponse res = call(dev(), HttpMethod.POST, "/v1/dev/token", "{\"user_id\":\"alice\"}", "127.0.0.1:7070",
                    header, header.equals("Forwarded") ? "for=203.0.113.9" : "203.0.113.9");
            assertThat(res.status().code()).as(header).isEqualTo(404);
            assertThat(json(res).get("message").asText()).contains("proxy").contains(header);
        }
        assertThat(json(call(dev(), HttpMethod.GET, "/v1/dev/info", null, "127.0.0.1:7070", "X-Forwarded-For", "203.0.113.9"))
                .get("dev").asBoolean()).isFalse();
    }

    @Test
    void infoNeverShowsSecrets() throws Exception {
        String text = json(call(dev(), HttpMethod.GET, "/v1/dev/info", null, "127.0.0.1")).toString();
        assertThat(text).isEqualTo("{\"dev\":true}").doesNotContain(SECRET);
    }
}
