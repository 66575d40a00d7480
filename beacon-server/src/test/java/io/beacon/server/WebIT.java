package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The web pages, the ops stats and dev tokens over real HTTP on a real server. */
class WebIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ServerFixture f;

    @AfterEach
    void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return send("GET", path, key, null);
    }

    private JsonNode stats() throws Exception {
        HttpResponse<String> res = get("/v1/admin/stats", ServerFixture.API_KEY);
        assertThat(res.statusCode()).isEqualTo(200);
        return WsClient.JSON.readTree(res.body());
    }

    @Test
    void opsPageAndItsFilesAreServedWithValidators() throws Exception {
        f = new ServerFixture();
        HttpResponse<String> page = get("/admin", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/admin/admin.js\"></script>");

        HttpResponse<String> js = get("/admin/admin.js", null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("/v1/admin/stats");
        String etag = js.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = send("GET", "/admin/admin.js", null, null, "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/admin/admin.css", null).headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

        HttpResponse<String> head = send("HEAD", "/admin", null, null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(get("/", null).statusCode()).isEqualTo(200);
        for (String pagePath : List.of("/", "/admin")) { // every file a page links to is there
            java.util.regex.Matcher linked = java.util.regex.Pattern.compile("(?:href|src)=\"(/[^\"]*)\"").matcher(get(pagePath, null).body());
            while (linked.find()) {
                assertThat(get(linked.group(1), null).statusCode()).as("%s links to %s", pagePath, linked.group(1)).isEqualTo(200);
            }
        }
        assertThat(get("/admin/missing.js", null).statusCode()).isEqualTo(404);
        assertThat(get("/admin/%2e%2e/admin.html", null).body()).startsWith("{\"code\":\"not_found\"");
        assertThat(rawRequest("GET /admin/../admin.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404");
        assertThat(rawRequest("GET /sdk/..\\..\\logback.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 404");
    }

    @Test
    void browserSdkIsServedWhenTheBuildCopiedIt() throws Exception {
        assumeTrue(WebIT.class.getResource("/web/sdk/beacon.js") != null,
                "clients/js/src/beacon.js was not copied into the build (no SDK yet)");
        f = new ServerFixture();
        HttpResponse<String> sdk = get("/sdk/beacon.js", null);
        assertThat(sdk.statusCode()).isEqualTo(200);
        assertThat(sdk.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    }

    @Test
    void statsNeedTheApiKeyAndMoveWithTraffic() throws Exception {
        f = new ServerFixture();
        assertThat(get("/v1/admin/stats", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = get("/v1/admin/stats", "not-the-key-0123456789");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"code\":\"unauthorized\"");
        assertThat(get("/v1/admin/stats", f.token("alice")).statusCode()).as("a user token is not the API key").isEqualTo(401);

        JsonNode before = stats();
        assertThat(before.get("connections").asInt()).isZero();
        assertThat(before.get("online_users").asInt()).isZero();
        assertThat(before.get("ready").asBoolean()).isTrue();
        assertThat(before.get("cluster").asBoolean()).isFalse();
        assertThat(before.get("node_id").asText()).isEqualTo(f.server.nodeId());

        WsClient alice = f.connectOnline("alice", "web");
        alice.send("{\"type\":\"set_status\",\"id\":1,\"status\":\"busy\"}");
        alice.next("ack");
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode after = stats();
            assertThat(after.get("connections").asInt()).isEqualTo(1);
            assertThat(after.get("sessions").asInt()).isEqualTo(1);
            assertThat(after.get("online_users").asInt()).isEqualTo(1);
            assertThat(after.get("messages_in_total").asLong()).isGreaterThan(before.get("messages_in_total").asLong());
            assertThat(after.get("messages_out_total").asLong()).isGreaterThan(before.get("messages_out_total").asLong());
            assertThat(after.get("presence_changes_total").asLong()).isGreaterThan(before.get("presence_changes_total").asLong());
        });
        f.closeAndAwait(alice);
        assertThat(stats().get("connections").asInt()).isZero();
    }

    @Test
    void devTokensInDevModeOnLoopbackOpenAWebSocketSession() throws Exception {
        f = new ServerFixture(b -> b.jwtSecret(null));
        assertThat(f.server.config().devMode()).isTrue();
        assertThat(get("/v1/dev/info", null).body()).isEqualTo("{\"dev\":true}");

        HttpResponse<String> res = send("POST", "/v1/dev/token", null, "{\"user_id\":\"alice\",\"rooms\":[\"doc:*\"],\"device\":\"web\"}",
                "Content-Type", "application/json");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode minted = WsClient.JSON.readTree(res.body());
        assertThat(minted.get("user_id").asText()).isEqualTo("alice");
        assertThat(minted.get("expires_at").asLong()).isGreaterThan(f.ticker.millis() + Duration.ofHours(23).toMillis());

        WsClient alice = WsClient.hello(f.port(), minted.get("token").asText(), "web");
        JsonNode welcome = alice.seen.stream().filter(n -> n.path("type").asText().equals("welcome")).findFirst().orElseThrow();
        assertThat(welcome.get("user_id").asText()).isEqualTo("alice");
        alice.send("{\"type\":\"join\",\"id\":1,\"room\":\"doc:42\"}");
        alice.next("room_snapshot");
        alice.send("{\"type\":\"join\",\"id\":2,\"room\":\"chat:1\"}");
        assertThat(alice.next("error").get("code").asText()).as("only the rooms asked for").isEqualTo("forbidden");

        HttpResponse<String> everyRoom = send("POST", "/v1/dev/token", null, "{\"user_id\":\"bob\"}");
        assertThat(WsClient.JSON.readTree(everyRoom.body()).get("rooms").toString()).isEqualTo("[\"*\"]");

        HttpResponse<String> bad = send("POST", "/v1/dev/token", null, "{\"user_id\":\"\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"code\":\"bad_request\"");
        assertThat(send("GET", "/v1/dev/token", null, null).statusCode()).isEqualTo(400);

        String rebound = rawRequest("POST /v1/dev/token HTTP/1.1\r\nHost: evil.example:" + f.port()
                + "\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"user_id\":\"alice\"}");
        assertThat(rebound).as("a page on another name that resolves to 127.0.0.1").startsWith("HTTP/1.1 404").doesNotContain("token\":");
        alice.close();
    }

    @Test
    void noDevTokensWhenAJwtSecretIsConfigured() throws Exception {
        f = new ServerFixture();
        JsonNode info = WsClient.JSON.readTree(get("/v1/dev/info", null).body());
        assertThat(info.get("dev").asBoolean()).isFalse();
        assertThat(info.toString()).doesNotContain(ServerFixture.SECRET);
        HttpResponse<String> res = send("POST", "/v1/dev/token", null, "{\"user_id\":\"alice\"}");
        assertThat(res.statusCode()).isEqualTo(404);
        JsonNode error = WsClient.JSON.readTree(res.body());
        assertThat(error.get("code").asText()).isEqualTo("not_found");
        assertThat(error.get("message").asText()).contains("only minted in dev mode (no jwt_secret) on a loopback address");
    }

    /** A dev token for {@code user}, minted over HTTP. */
    private String devToken(String user) throws Exception {
        HttpResponse<String> res = send("POST", "/v1/dev/token", null, "{\"user_id\":\"" + user + "\",\"rooms\":[\"doc:*\",\"chat:*\"]}");
        assertThat(res.statusCode()).isEqualTo(200);
        return WsClient.JSON.readTree(res.body()).get("token").asText();
    }

    @Test
    void devContactsAreMutualAndReachLiveSubscribersAtOnce() throws Exception {
        f = new ServerFixture(b -> b.jwtSecret(null).defaultVisibility(io.beacon.settings.Visibility.CONTACTS));
        String aliceToken = devToken("alice");
        WsClient alice = WsClient.hello(f.port(), aliceToken, "web");
        WsClient bob = WsClient.hello(f.port(), devToken("bob"), "mobile");
        alice.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        assertThat(alice.next("presence_snapshot").get("presences").get(0).get("version").asLong()).as("hidden by default").isZero();
        bob.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"alice\"]}");
        bob.next("presence_snapshot");

        HttpResponse<String> added = send("POST", "/v1/dev/contacts", aliceToken, "{\"add\":[\"bob\"]}", "Content-Type", "application/json");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(added.body()).isEqualTo("{\"user_id\":\"alice\",\"user_ids\":[\"bob\"]}");
        JsonNode bobSeen = alice.next("presence");
        assertThat(bobSeen.get("status").asText()).isEqualTo("online");
        assertThat(bobSeen.get("devices").get(0).get("device").asText()).isEqualTo("mobile");
        assertThat(bob.next("presence").get("status").asText()).as("both ways").isEqualTo("online");

        HttpResponse<String> removed = send("POST", "/v1/dev/contacts", aliceToken, "{\"remove\":[\"bob\"]}");
        assertThat(removed.body()).isEqualTo("{\"user_id\":\"alice\",\"user_ids\":[]}");
        JsonNode lost = alice.next("presence");
        assertThat(lost.get("status").asText()).isEqualTo("offline");
        assertThat(lost.has("devices")).isFalse();
        assertThat(bob.next("presence").get("status").asText()).isEqualTo("offline");

        assertThat(send("POST", "/v1/dev/contacts", null, "{\"add\":[\"bob\"]}").statusCode()).as("no token").isEqualTo(401);
        assertThat(send("POST", "/v1/dev/contacts", ServerFixture.API_KEY, "{\"add\":[\"bob\"]}").statusCode())
                .as("the API key is not a client token").isEqualTo(401);
        assertThat(send("GET", "/v1/dev/contacts", aliceToken, null).statusCode()).isEqualTo(400);
        String rebound = rawRequest("POST /v1/dev/contacts HTTP/1.1\r\nHost: evil.example:" + f.port()
                + "\r\nAuthorization: Bearer " + aliceToken + "\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"add\":[\"bob\"]}");
        assertThat(rebound).startsWith("HTTP/1.1 404");
        alice.close();
        bob.close();
    }

    @Test
    void noDevContactsWhenAJwtSecretIsConfigured() throws Exception {
        f = new ServerFixture();
        HttpResponse<String> res = send("POST", "/v1/dev/contacts", f.token("alice"), "{\"add\":[\"bob\"]}");
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body()).contains("jwt_secret");
    }

    /** One request written as is (no client-side normalisation of the path or the Host). */
    private String rawRequest(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", f.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
