package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backend REST API and the ops endpoints over real HTTP. */
class RestIT {
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

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void presenceReads() throws Exception {
        f.connectOnline("bob", "mobile");
        HttpResponse<String> one = get("/v1/presence/bob", ServerFixture.API_KEY);
        assertThat(one.statusCode()).isEqualTo(200);
        JsonNode p = WsClient.JSON.readTree(one.body());
        assertThat(p.get("status").asText()).isEqualTo("online");
        assertThat(p.get("devices").get(0).get("device").asText()).isEqualTo("mobile");

        HttpResponse<String> unknown = get("/v1/presence/nobody", ServerFixture.API_KEY);
        assertThat(unknown.body()).isEqualTo("{\"user_id\":\"nobody\",\"status\":\"offline\",\"version\":0}");

        HttpResponse<String> many = post("/v1/presence/query", ServerFixture.API_KEY, "{\"user_ids\":[\"bob\",\"nobody\"],\"viewer\":\"alice\"}");
        assertThat(many.statusCode()).isEqualTo(200);
        assertThat(WsClient.JSON.readTree(many.body()).get("presences")).hasSize(2);
    }

    @Test
    void invisibleUserIsOfflineToViewersButNotToThemselves() throws Exception {
        WsClient bob = f.connectOnline("bob", "web");
        bob.send("{\"type\":\"set_status\",\"id\":1,\"status\":\"invisible\"}");
        bob.next("ack");
        assertThat(get("/v1/presence/bob", ServerFixture.API_KEY).body()).contains("\"status\":\"offline\"");
        assertThat(get("/v1/presence/bob?viewer=bob", ServerFixture.API_KEY).body()).contains("\"status\":\"online\"");
    }

    @Test
    void wrongOrMissingApiKeyIs401() throws Exception {
        assertThat(get("/v1/presence/bob", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = get("/v1/presence/bob", "nope-nope-nope-nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"code\":\"unauthorized\"");
        assertThat(post("/v1/presence/query", f.token("bob"), "{\"user_ids\":[]}").statusCode()).as("a user token is not the API key").isEqualTo(401);
    }

    @Test
    void badQueriesAreRefusedWithCodes() throws Exception {
        assertThat(post("/v1/presence/query", ServerFixture.API_KEY, "{").statusCode()).isEqualTo(400);
        assertThat(post("/v1/presence/query", ServerFixture.API_KEY, "{\"user_ids\":\"bob\"}").statusCode()).isEqualTo(400);
        assertThat(post("/v1/presence/query", ServerFixture.API_KEY, "{\"user_ids\":[],\"colour\":1}").body()).contains("unknown field");
        String many = "[" + "\"u\",".repeat(10_000) + "\"u\"]";
        HttpResponse<String> tooMany = post("/v1/presence/query", ServerFixture.API_KEY, "{\"user_ids\":" + many + "}");
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.body()).contains("too_large");
        assertThat(get("/v1/nothing-here", ServerFixture.API_KEY).statusCode()).isEqualTo(404);
        assertThat(get("/v1/presence/" + "x".repeat(300), ServerFixture.API_KEY).statusCode()).isEqualTo(413);
    }

    @Test
    void idsWithSlashPlusAndPercentAreAddressableInPaths() throws Exception {
        f.connectOnline("a/b+c%d", "web");
        HttpResponse<String> r = get("/v1/presence/a%2Fb+c%25d", ServerFixture.API_KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(WsClient.JSON.readTree(r.body()).get("user_id").asText()).isEqualTo("a/b+c%d");
        assertThat(WsClient.JSON.readTree(r.body()).get("status").asText()).isEqualTo("online");
    }

    @Test
    void opsEndpoints() throws Exception {
        assertThat(get("/healthz", null).body()).contains("ok");
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
        f.connect("bob", "web");
        // the session's first record waits for its settings, read on the settings store's own threads
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> get("/metrics", null).body().contains("beacon_presence_changes_total 1.0"));
        String metrics = get("/metrics", null).body();
        assertThat(metrics).contains("beacon_connections 1.0", "beacon_sessions 1.0", "beacon_online_users 1.0",
                "beacon_messages_in_total", "beacon_messages_out_total", "beacon_presence_changes_total 1.0");
    }
}
