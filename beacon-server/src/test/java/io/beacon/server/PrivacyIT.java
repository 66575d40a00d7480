package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Privacy end to end: the default visibility, the backend's settings API, and live subscribers. */
class PrivacyIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ServerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture(b -> b.defaultVisibility(io.beacon.settings.Visibility.CONTACTS).maxIdsPerCall(100));
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, ServerFixture.API_KEY);
    }

    private HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private WsClient watch(String viewer, String target) {
        WsClient w = f.healthy(f.connect(viewer, "web"));
        w.send("{\"type\":\"subscribe\",\"id\":\"s\",\"user_ids\":[\"" + target + "\"]}");
        w.next("presence_snapshot");
        return w;
    }

    @Test
    void contactsDecideUnderTheDefaultAndChangesReachLiveSubscribers() throws Exception {
        WsClient alice = watch("alice", "bob");
        f.connect("bob", "web");
        assertThat(alice.drain(Duration.ofMillis(200))).as("a stranger by default").isEmpty();

        HttpResponse<String> put = call("PUT", "/v1/users/bob/contacts", "{\"user_ids\":[\"alice\",\"carol\"]}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"alice\",\"carol\"]}");
        JsonNode seen = alice.next("presence");
        assertThat(seen.get("status").asText()).isEqualTo("online");

        HttpResponse<String> patch = call("PATCH", "/v1/users/bob/contacts", "{\"remove\":[\"alice\"],\"add\":[\"dave\"]}");
        assertThat(patch.body()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"carol\",\"dave\"]}");
        JsonNode lost = alice.next("presence");
        assertThat(lost.get("status").asText()).isEqualTo("offline");
        java.util.List<String> fields = new java.util.ArrayList<>();
        lost.fieldNames().forEachRemaining(fields::add);
        fields.remove("_taken");
        assertThat(fields).as("a plain offline").containsExactly("type", "user_id", "status", "version");
        assertThat(lost.get("version").asLong()).isGreaterThan(seen.get("version").asLong());
        assertThat(call("GET", "/v1/users/bob/contacts", null).body()).contains("carol", "dave");
    }

    @Test
    void settingsRoundTripAndVisibilityEveryone() throws Exception {
        WsClient alice = watch("alice", "bob");
        f.connect("bob", "web");
        HttpResponse<String> put = call("PUT", "/v1/users/bob/settings",
                "{\"visibility\":\"everyone\",\"last_seen\":{\"visibility\":\"nobody\",\"precision\":\"approximate\"}}");
        assertThat(put.statusCode()).isEqualTo(200);
        JsonNode s = WsClient.JSON.readTree(put.body());
        assertThat(s.get("visibility").asText()).isEqualTo("everyone");
        assertThat(s.get("last_seen").get("visibility").asText()).isEqualTo("nobody");
        assertThat(s.get("last_seen").get("precision").asText()).isEqualTo("approximate");
        assertThat(s.get("default_visibility").asText()).isEqualTo("contacts");
        assertThat(alice.next("presence").get("status").asText()).isEqualTo("online");
        JsonNode got = WsClient.JSON.readTree(call("GET", "/v1/users/bob/settings", null).body());
        assertThat(got.get("visibility").asText()).isEqualTo("everyone");
        assertThat(call("GET", "/v1/presence/bob?viewer=alice", null).body()).contains("\"status\":\"online\"");
        assertThat(call("GET", "/v1/presence/bob?viewer=mallory", null).body()).contains("\"status\":\"online\"");
    }

    @Test
    void blocksHideFromTheBlockedOnEveryPath() throws Exception {
        call("PUT", "/v1/users/bob/settings", "{\"visibility\":\"everyone\"}");
        WsClient mallory = watch("mallory", "bob");
        f.connect("bob", "web");
        mallory.next("presence");
        assertThat(call("PUT", "/v1/users/bob/blocks", "{\"user_ids\":[\"mallory\"]}").statusCode()).isEqualTo(200);
        assertThat(mallory.next("presence").get("status").asText()).isEqualTo("offline");
        assertThat(call("GET", "/v1/presence/bob?viewer=mallory", null).body())
                .isEqualTo("{\"user_id\":\"bob\",\"status\":\"offline\",\"version\":0}");
        assertThat(call("POST", "/v1/presence/query", "{\"user_ids\":[\"bob\"],\"viewer\":\"mallory\"}").body())
                .contains("{\"user_id\":\"bob\",\"status\":\"offline\",\"version\":0}");
        mallory.send("{\"type\":\"query\",\"id\":1,\"user_ids\":[\"bob\"]}");
        assertThat(mallory.next("presence_snapshot").get("presences").get(0).get("version").asLong()).isZero();
        try (SseClient sse = new SseClient(f.port(), f.token("mallory"), "token=" + f.token("mallory") + "&subscribe=bob", null)) {
            sse.next("welcome");
            assertThat(sse.next("presence_snapshot").data().get("presences").get(0).get("version").asLong()).isZero();
        }
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        assertThat(call("PUT", "/v1/users/bob/settings", "{\"visibility\":\"friends\"}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/v1/users/bob/settings", "{\"colour\":\"red\"}").body()).contains("unknown field");
        assertThat(call("PUT", "/v1/users/bob/settings", "{\"last_seen\":{\"precision\":1}}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/v1/users/bob/contacts", "{\"user_ids\":\"alice\"}").statusCode()).isEqualTo(400);
        assertThat(call("PATCH", "/v1/users/bob/contacts", "{\"add\":[1]}").statusCode()).isEqualTo(400);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("\"u").append(i).append('"');
        }
        HttpResponse<String> tooMany = call("PUT", "/v1/users/bob/blocks", "{\"user_ids\":" + many + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.body()).contains("\"code\":\"too_large\"");
        assertThat(call("GET", "/v1/users/bob/settings", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/v1/users/bob/settings", null, "wrong-key-wrong-key").statusCode()).isEqualTo(401);
        assertThat(call("POST", "/v1/users/bob/settings", "{}").statusCode()).isEqualTo(400);
        assertThat(call("GET", "/v1/users/bob/nothing", null).statusCode()).isEqualTo(404);
        JsonNode s = WsClient.JSON.readTree(call("GET", "/v1/users/bob/settings", null).body());
        assertThat(s.get("visibility").isNull()).as("nothing changed").isTrue();
        assertThat(call("GET", "/v1/users/bob/blocks", null).body()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[]}");
    }

    @Test
    void deleteSessionsDisconnectsEverySessionWith4005() throws Exception {
        WsClient web = f.connect("bob", "web");
        WsClient mobile = f.connect("bob", "mobile");
        assertThat(call("DELETE", "/v1/users/bob/sessions", null).statusCode()).isEqualTo(202);
        assertThat(web.awaitClose()).isEqualTo(4005);
        assertThat(mobile.awaitClose()).isEqualTo(4005);
    }
}
