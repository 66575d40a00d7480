package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.store.redis.RedisServers;
import io.beacon.time.FakeTicker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Beacon nodes in this JVM on one real Redis (started by the test on a free port), one fake clock:
 * presence, rooms, signals and settings changes cross nodes; a user on both nodes is one user; a
 * heartbeat never reaches Redis; a Redis that restarts empty gets every node's state back.
 */
class ClusterIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final FakeTicker ticker = new FakeTicker();
    private final InMemorySettingsStore settings = new InMemorySettingsStore();
    private RedisServers.Server redis;
    private final List<ServerFixture> nodes = new ArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServers.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (ServerFixture n : nodes) {
            n.close();
        }
        redis.close();
    }

    private ServerFixture node(String id) throws Exception {
        ServerFixture n = new ServerFixture(ticker, settings, id, b -> b.redisUrl(redis.uri()));
        nodes.add(n);
        n.server.tick();
        return n;
    }

    /** Moves the shared clock in 250 ms steps, heart-beating every node's healthy clients and ticking every node. */
    private void advance(Duration d) {
        long left = d.toMillis();
        long sinceBeat = 0;
        while (left > 0) {
            long step = Math.min(250, left);
            ticker.advanceMillis(step);
            sinceBeat += step;
            for (ServerFixture n : nodes) {
                if (sinceBeat >= 5_000) {
                    n.heartbeat();
                }
                n.server.tick();
            }
            if (sinceBeat >= 5_000) {
                sinceBeat = 0;
            }
            left -= step;
        }
    }

    private WsClient member(ServerFixture n, String user, String device) {
        return n.healthy(WsClient.hello(n.port(), n.token(user, List.of("*")), device));
    }

    private static JsonNode lastPresenceOf(WsClient c, String user, String status) {
        while (true) {
            JsonNode p = c.next("presence");
            if (p.get("user_id").asText().equals(user) && p.get("status").asText().equals(status)) {
                return p;
            }
        }
    }

    private HttpResponse<String> http(ServerFixture n, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.port() + path))
                .header("Authorization", "Bearer " + ServerFixture.API_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Alice on node {@code n}, subscribed to bob and in room doc:1. */
    private WsClient watchingBobInDoc1(ServerFixture n) {
        WsClient alice = member(n, "alice", "web");
        alice.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        alice.next("presence_snapshot");
        alice.send("{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\"}");
        alice.next("room_snapshot");
        return alice;
    }

    @Test
    void presenceRoomsSignalsAndSettingsCrossNodes() throws Exception {
        ServerFixture a = node("node-a");
        ServerFixture b = node("node-b");
        WsClient alice = watchingBobInDoc1(a);

        WsClient bob = member(b, "bob", "mobile");
        JsonNode online = lastPresenceOf(alice, "bob", "online");
        assertThat(online.get("devices").get(0).get("device").asText()).isEqualTo("mobile");

        bob.send("{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\",\"meta\":{\"mode\":\"editing\"}}");
        assertThat(bob.next("room_snapshot").get("count").asInt()).isEqualTo(2);
        JsonNode joined = alice.next("room_diff");
        assertThat(joined.get("joins").get(0).get("user_id").asText()).isEqualTo("bob");
        bob.send("{\"type\":\"signal\",\"room\":\"doc:1\",\"kind\":\"typing\"}");
        assertThat(alice.next("signal").get("user_id").asText()).isEqualTo("bob");

        bob.send("{\"type\":\"set_status\",\"id\":4,\"status\":\"busy\"}");
        bob.next("ack");
        lastPresenceOf(alice, "bob", "busy");

        // the backend talks to node b; alice, on node a, loses access at once
        assertThat(http(b, "PUT", "/v1/users/bob/blocks", "{\"user_ids\":[\"alice\"]}").statusCode()).isEqualTo(200);
        JsonNode hidden = lastPresenceOf(alice, "bob", "offline");
        assertThat(hidden.get("version").asLong()).isPositive();
        assertThat(hidden.has("devices")).isFalse();
        assertThat(alice.next("room_diff").get("leaves").get(0).asText()).as("and bob is gone from her room").isEqualTo("bob");

        // the members list is the same from either node
        assertThat(http(a, "GET", "/v1/rooms/doc:1/members", null).body()).isEqualTo(http(b, "GET", "/v1/rooms/doc:1/members", null).body());
    }

    @Test
    void aUserOnTwoNodesIsOneUserSeenAlikeFromBoth() throws Exception {
        ServerFixture a = node("node-a");
        ServerFixture b = node("node-b");
        WsClient watcher = member(a, "alice", "web");
        watcher.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        watcher.next("presence_snapshot");
        WsClient web = member(a, "bob", "web");
        lastPresenceOf(watcher, "bob", "online");
        member(b, "bob", "desktop");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode p = WsClient.JSON.readTree(http(b, "GET", "/v1/presence/bob", null).body());
            return p.path("devices").size() == 2;
        });
        assertThat(http(a, "GET", "/v1/presence/bob", null).body()).isEqualTo(http(b, "GET", "/v1/presence/bob", null).body());

        a.closeAndAwait(web);
        advance(Duration.ofSeconds(6));
        JsonNode p = WsClient.JSON.readTree(http(a, "GET", "/v1/presence/bob", null).body());
        assertThat(p.get("status").asText()).as("still online through node b").isEqualTo("online");
        assertThat(p.get("devices")).hasSize(1);
        assertThat(watcher.drain(Duration.ofMillis(300))).noneMatch(m -> m.path("status").asText().equals("offline"));
    }

    @Test
    void heartbeatsNeverReachRedis() throws Exception {
        ServerFixture a = node("node-a");
        ServerFixture b = node("node-b");
        List<WsClient> idle = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            idle.add(member(i % 2 == 0 ? a : b, "idle-" + i, "web"));
        }
        WsClient watcher = member(a, "watcher", "web");
        watcher.send("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"idle-1\",\"idle-2\"]}");
        watcher.next("presence_snapshot");
        advance(Duration.ofSeconds(2)); // every session stored, scripts loaded

        long renewals = a.server.leaseRenewals() + b.server.leaseRenewals();
        java.util.Map<String, Long> before = commandStats();
        int heartbeats = 0;
        for (int round = 0; round < 20; round++) {
            ticker.advanceMillis(500);
            for (WsClient c : idle) {
                c.send("{\"type\":\"heartbeat\"}");
                heartbeats++;
            }
            a.heartbeat(); // and the acknowledged kind, which also waits for the frames before it
            b.heartbeat();
            a.server.tick();
            b.server.tick();
        }
        java.util.Map<String, Long> after = commandStats();
        long renewed = a.server.leaseRenewals() + b.server.leaseRenewals() - renewals;
        java.util.Map<String, Long> sent = new java.util.TreeMap<>();
        after.forEach((cmd, calls) -> {
            long d = calls - before.getOrDefault(cmd, 0L);
            if (d > 0 && !cmd.equals("info")) {
                sent.put(cmd, d);
            }
        });

        assertThat(heartbeats).isEqualTo(2_000);
        assertThat(renewed).as("10 s of lease renewals on two nodes").isBetween(30L, 42L);
        // a renewal is one EVALSHA; Redis also counts what the script runs inside (its lease is still its own, then renewed)
        assertThat(sent).as("Redis commands during %d heartbeats", heartbeats).isEqualTo(java.util.Map.of(
                "evalsha", renewed, "hget", renewed, "hexists", renewed, "hset", renewed, "hgetall", renewed));
    }

    /** Calls per command so far, from {@code INFO commandstats}. */
    private java.util.Map<String, Long> commandStats() {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (String line : redis.cli("info", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String cmd = line.substring("cmdstat_".length(), line.indexOf(':'));
                String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                out.put(cmd, Long.parseLong(calls));
            }
        }
        return out;
    }

    @Test
    void aRedisThatRestartsEmptyGetsTheNodesStateBack() throws Exception {
        ServerFixture a = node("node-a");
        ServerFixture b = node("node-b");
        WsClient alice = watchingBobInDoc1(a);
        WsClient bob = member(b, "bob", "web");
        lastPresenceOf(alice, "bob", "online");

        redis.kill();
        advance(Duration.ofMillis(1_000)); // each node's renewal comes due, and times out
        // each node learns it on its own renewal's timeout, which completes on a Lettuce thread
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                http(a, "GET", "/readyz", null).statusCode() == 503 && http(b, "GET", "/readyz", null).statusCode() == 503);
        assertThat(http(b, "GET", "/metrics", null).body()).contains("beacon_redis_up 0.0");
        // the nodes keep serving their own clients meanwhile
        bob.send("{\"type\":\"heartbeat\",\"id\":\"still-here\"}");
        assertThat(bob.next("ack").get("id").asText()).isEqualTo("still-here");

        redis.restart(); // empty: nothing was persisted
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            advance(Duration.ofMillis(250));
            return http(a, "GET", "/readyz", null).statusCode() == 200 && http(b, "GET", "/readyz", null).statusCode() == 200;
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                WsClient.JSON.readTree(http(a, "GET", "/v1/presence/bob", null).body()).path("status").asText().equals("online"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                WsClient.JSON.readTree(http(b, "GET", "/v1/rooms/doc:1/members", null).body()).path("count").asInt() == 1);
        bob.send("{\"type\":\"set_status\",\"id\":3,\"status\":\"away\"}");
        lastPresenceOf(alice, "bob", "away");
        assertThat(redis.info("connected_clients")).as("both nodes connected again").isGreaterThanOrEqualTo(4);
    }
}
