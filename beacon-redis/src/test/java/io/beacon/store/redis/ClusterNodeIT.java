package io.beacon.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.engine.RecordingConnection;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines sharing one real Redis, on one fake clock: presence and rooms across nodes, a user on
 * both, a node that dies without a word (its lease runs out: the other cleans up after the grace), and
 * a Redis that restarts empty (the nodes store their state again).
 */
class ClusterNodeIT extends ClusterHarness {
    @Test
    void presenceCrossesNodesAndAUserOnBothIsOneUser() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of());
        a.send(alice, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        await("alice's snapshot", () -> !a.received(alice, "presence_snapshot").isEmpty());

        RecordingConnection bobWeb = b.connect("bob", List.of());
        await("bob online on node a", () -> "online".equals(lastStatus(a.received(alice, "presence"), "bob")));
        RecordingConnection bobPhone = a.connect("bob", "mobile", List.of());
        await("bob on two nodes, two devices", () -> {
            List<JsonNode> p = a.received(alice, "presence");
            return !p.isEmpty() && p.get(p.size() - 1).path("devices").size() == 2;
        });
        // the same presence from either node
        assertThat(a.call(() -> a.engine.read(null, List.of("bob")).join().get(0)))
                .isEqualTo(b.call(() -> b.engine.read(null, List.of("bob")).join().get(0)));

        // bob closes his web session on node b: still online through node a, no offline in between
        b.run(() -> b.engine.connectionClosed(bobWeb));
        advance(Duration.ofMillis(GRACE + 500), a, b);
        a.tick();
        assertThat(a.received(alice, "presence")).noneMatch(p -> p.path("status").asText().equals("offline"));
        assertThat(a.call(() -> a.engine.read(null, List.of("bob")).join().get(0).status().wire())).isEqualTo("online");
        a.run(() -> a.engine.connectionClosed(bobPhone));
        advance(Duration.ofMillis(GRACE + 500), a, b);
        await("bob offline", () -> "offline".equals(lastStatus(a.received(alice, "presence"), "bob")));
    }

    @Test
    void roomsCrossNodes() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"join\",\"id\":1,\"room\":\"doc:1\"}");
        await("alice's snapshot", () -> !a.received(alice, "room_snapshot").isEmpty());
        RecordingConnection bob = b.connect("bob", List.of("*"));
        b.send(bob, "{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\",\"meta\":{\"mode\":\"editing\"}}");
        await("bob's snapshot", () -> !b.received(bob, "room_snapshot").isEmpty());
        JsonNode snap = b.received(bob, "room_snapshot").get(0);
        assertThat(snap.get("count").asInt()).isEqualTo(2);
        await("alice sees bob join", () -> a.received(alice, "room_diff").stream()
                .anyMatch(d -> d.path("joins").size() == 1 && d.path("joins").get(0).path("user_id").asText().equals("bob")));

        b.send(bob, "{\"type\":\"signal\",\"room\":\"doc:1\",\"kind\":\"typing\"}");
        await("alice sees bob typing", () -> a.received(alice, "signal").stream().anyMatch(s -> s.path("user_id").asText().equals("bob")));
        JsonNode page = WsJson.tree(a.call(() -> new String(io.beacon.protocol.Messages.roomMembersPage("doc:1", 0, 0,
                a.engine.roomMembers("doc:1", null, 0, 10).join().members(), null))));
        assertThat(page.path("members")).hasSize(2);
    }

    @Test
    void aNodeThatDiesWithoutAWordIsCleanedUpAfterItsLeaseAndTheGrace() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        await("alice's snapshot", () -> !a.received(alice, "presence_snapshot").isEmpty());
        a.send(alice, "{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\"}");
        await("alice's room snapshot", () -> !a.received(alice, "room_snapshot").isEmpty());
        RecordingConnection bob = b.connect("bob", List.of("*"));
        b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        await("bob online", () -> "online".equals(lastStatus(a.received(alice, "presence"), "bob")));
        await("bob in the room", () -> a.received(alice, "room_diff").stream().anyMatch(d -> d.path("count").asInt() == 2));

        b.kill();
        advance(Duration.ofMillis(TTL - 500), a);
        assertThat(lastStatus(a.received(alice, "presence"), "bob")).as("within the lease: still online").isEqualTo("online");
        advance(Duration.ofMillis(500 + GRACE - 250), a); // the grace runs from the end of node b's lease: its last renewal + TTL
        assertThat(lastStatus(a.received(alice, "presence"), "bob")).as("inside the grace: still online").isEqualTo("online");
        advance(Duration.ofMillis(500), a);
        await("bob offline once node b's lease and the grace are over", () -> "offline".equals(lastStatus(a.received(alice, "presence"), "bob")));
        await("bob out of the room", () -> a.received(alice, "room_diff").stream()
                .anyMatch(d -> d.path("leaves").size() == 1 && d.path("leaves").get(0).asText().equals("bob")));
        JsonNode offline = a.received(alice, "presence").get(a.received(alice, "presence").size() - 1);
        assertThat(offline.get("last_seen").asLong()).as("last seen: node b's last lease renewal")
                .isBetween(ticker.millis() - TTL - GRACE - 2_000, ticker.millis() - GRACE);
        await("node b forgotten", () -> !redis.cli("hexists", NodeLeases.LEASES, "node-b").strip().equals("1"));
    }

    @Test
    void aRedisThatRestartsEmptyGetsEveryNodesStateBack() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        redis.kill();
        advance(Duration.ofMillis(1_500), a, b);
        await("node a not ready", () -> !a.cluster.healthy());
        assertThat(b.cluster.healthy()).isFalse();
        redis.restart(); // empty: nothing was persisted
        await("both nodes ready again", () -> {
            advance(Duration.ofMillis(250), a, b);
            return a.cluster.healthy() && b.cluster.healthy();
        });
        await("bob's session and the room stored again", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "online".equals(stored(b, "bob")) && roomCount(a, "doc:1") == 2;
        });
        // and changes flow again across the nodes
        b.send(bob, "{\"type\":\"set_status\",\"id\":4,\"status\":\"busy\"}");
        await("bob busy on node a", () -> "busy".equals(lastStatus(a.received(alice, "presence"), "bob")));
    }

    // ------------------------------------------------------------------ what Redis may miss, and how the nodes recover


    @Test
    void aRedisThatRestartsEmptyBetweenTwoRenewalsIsNoticedByTheLostLeases() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"bob\"]}");
        await("alice's snapshot", () -> !a.received(alice, "presence_snapshot").isEmpty());
        RecordingConnection bob = b.connect("bob", List.of("*"));
        b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        await("bob online", () -> "online".equals(lastStatus(a.received(alice, "presence"), "bob")));
        await("bob in the room", () -> !b.received(bob, "room_snapshot").isEmpty());

        redis.kill();
        redis.restart(); // no renewal failed: only the leases, gone with everything else, tell
        await("bob's session stored again", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "online".equals(stored(a, "bob")) && roomCount(a, "doc:1") == 1;
        });
        assertThat(b.cluster.nodeId()).as("node b goes on under a new id").isEqualTo("node-b.1");
        assertThat(b.call(() -> b.engine.nodeId())).isEqualTo("node-b.1");
        assertThat(a.received(alice, "presence")).noneMatch(p -> p.path("status").asText().equals("offline"));
    }

    @Test
    void aNodeThatStallsLongerThanItsLeaseGoesOnUnderANewIdAndKeepsItsUsers() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        // node b stalls (a long GC pause): only node a ticks, and claims node b's cleanup
        advance(Duration.ofMillis(TTL + 1_000), a);
        // node b is back inside the grace: its renewal finds its lease lost, and it stores bob again under a new id
        await("bob stored under node b's new id", () -> {
            ticker.advanceMillis(10);
            b.run(() -> bob.touch(ticker.nanos()));
            b.tick();
            return redis.cli("get", "beacon:{bob}:user").contains("node-b.1") && redis.cli("hkeys", "beacon:{doc:1}:members").contains("bob")
                    && redis.cli("hget", "beacon:{doc:1}:members", "bob").contains("node-b.1");
        });
        advanceConnected(Duration.ofMillis(GRACE + 2_000), a, alice, b, bob);
        await("node a cleaned up the old node b", () -> !redis.cli("hexists", NodeLeases.LEASES, "node-b").strip().equals("1"));
        assertThat(b.cluster.nodeId()).isEqualTo("node-b.1");
        assertThat(b.call(() -> bob.closeCode)).as("bob still connected to node b").isNull();
        assertThat(stored(a, "bob")).as("bob, connected to live node b").isEqualTo("online");
        assertThat(roomCount(a, "doc:1")).isEqualTo(2);
        assertThat(a.received(alice, "presence")).noneMatch(p -> p.path("status").asText().equals("offline"));
        assertThat(a.received(alice, "room_diff")).noneMatch(d -> d.path("leaves").size() > 0);
    }

    @Test
    void sessionsThatEndDuringAShortOutageEndInRedisWhenItIsBack() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();
        b.run(() -> b.engine.connectionClosed(bob)); // bob's link drops: his session lingers for the grace
        advance(Duration.ofMillis(GRACE - 1_000), a, b);

        redis.cli("save"); // Redis persists (or the outage is a network blip): it loses nothing
        redis.kill();
        advance(Duration.ofMillis(2_000), a, b); // bob's grace ends now: the store takes neither his end nor his leave
        assertThat(b.call(() -> b.engine.stats().sessions())).isZero();
        redis.restart();
        awaitHealthy(a, b);
        await("bob offline in Redis and for alice", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "offline".equals(stored(a, "bob")) && "offline".equals(lastStatus(a.received(alice, "presence"), "bob"));
        });
        await("bob out of the room", () -> roomCount(a, "doc:1") == 1);
        assertThat(a.cluster.nodeId()).as("an outage shorter than the lease keeps the ids").isEqualTo("node-a");
    }

    @Test
    void afterAnOutageLongerThanTheLeaseEveryNodeKeepsItsUsers() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        redis.cli("save"); // Redis persists, or the nodes were cut off from it: every lease is found expired
        redis.kill();
        advanceConnected(Duration.ofMillis(TTL + 1_000), a, alice, b, bob);
        redis.restart();
        advanceConnected(Duration.ofMillis(GRACE + 3_000), a, alice, b, bob);
        await("the old ids cleaned up", () -> redis.cli("hkeys", NodeLeases.LEASES).lines().map(String::strip).sorted().toList()
                .equals(List.of("node-a.1", "node-b.1")));
        assertThat(b.call(() -> bob.closeCode)).as("bob still connected to node b").isNull();
        assertThat(stored(a, "bob")).as("bob, connected to live node b").isEqualTo("online");
        assertThat(a.received(alice, "presence")).noneMatch(p -> p.path("status").asText().equals("offline"));
    }

    @Test
    void aWatcherLearnsOfASessionThatEndedWhileRedisRestartedEmpty() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        redis.kill();
        b.run(() -> b.engine.connectionClosed(bob));
        advance(Duration.ofMillis(GRACE + 1_000), a, b);
        redis.restart();
        awaitHealthy(a, b);
        await("alice is shown bob offline", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "offline".equals(lastStatus(a.received(alice, "presence"), "bob"));
        });
        assertThat(stored(a, "bob")).isEqualTo("offline");
    }

    @Test
    void aChangePublishedWhileThePubSubLinkIsDownArrivesAfterTheResync() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();
        long losses = a.connection.linkLosses();

        // Redis drops the pub/sub links (output buffer limit, a proxy timeout); a change is published before Lettuce reconnects
        redis.cli("client", "kill", "type", "pubsub");
        b.send(bob, "{\"type\":\"set_status\",\"id\":4,\"status\":\"busy\"}");
        await("busy stored", () -> "busy".equals(stored(a, "bob")));
        await("node a noticed its link dropped", () -> a.connection.linkLosses() > losses);
        await("alice is shown bob busy", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "busy".equals(lastStatus(a.received(alice, "presence"), "bob"));
        });
        b.send(bob, "{\"type\":\"set_status\",\"id\":5,\"status\":\"away\"}");
        await("the link works again", () -> "away".equals(lastStatus(a.received(alice, "presence"), "bob")));
    }

    @Test
    void writesRedisRefusedAreStoredAgainWhenItTakesWritesAgain() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();
        long failures = b.connection.failures();
        long linkLosses = b.connection.linkLosses();

        redis.cli("config", "set", "maxmemory", "1"); // Redis refuses every write (OOM), reads and links stay up
        b.send(bob, "{\"type\":\"activity\",\"state\":\"idle\"}");
        await("the write failed", () -> b.connection.failures() > failures);
        assertThat(stored(a, "bob")).isEqualTo("online");
        redis.cli("config", "set", "maxmemory", "0");
        await("bob away in Redis and for alice", () -> {
            advance(Duration.ofMillis(250), a, b);
            return "away".equals(stored(a, "bob")) && "away".equals(lastStatus(a.received(alice, "presence"), "bob"));
        });
        assertThat(b.connection.linkLosses()).as("no link dropped: a repair, not a resync").isEqualTo(linkLosses);
        assertThat(b.cluster.nodeId()).isEqualTo("node-b");
    }

    @Test
    void roomVersionsOnlyGrowAndNobodyFlapsAfterAnEmptyRestart() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\"}");
        await("alice in the room", () -> !a.received(alice, "room_snapshot").isEmpty());
        RecordingConnection bob = b.connect("bob", List.of("*"));
        b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        await("alice sees bob", () -> a.received(alice, "room_diff").stream().anyMatch(d -> d.path("count").asInt() == 2));
        int before = a.received(alice, "room_diff").size();
        long version = a.received(alice, "room_diff").get(before - 1).path("version").asLong();

        redis.kill();
        advance(Duration.ofMillis(1_500), a, b);
        redis.restart();
        awaitHealthy(a, b);
        await("the room stored again", () -> {
            advance(Duration.ofMillis(250), a, b);
            return roomCount(a, "doc:1") == 2;
        });
        advance(Duration.ofMillis(2_000), a, b);
        List<JsonNode> diffs = a.received(alice, "room_diff");
        for (JsonNode d : diffs.subList(before, diffs.size())) {
            assertThat(d.path("since").asLong()).as("each diff starts where the last ended: %s", d).isEqualTo(version);
            assertThat(d.path("version").asLong()).isGreaterThan(version);
            assertThat(d.path("leaves")).as("nobody left: %s", diffs).isEmpty();
            version = d.path("version").asLong();
        }
    }

    @Test
    void requestsMadeDuringAnOutageAreAnswered() {
        Node a = node("node-a");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        await("alice online", () -> "online".equals(stored(a, "alice")));
        redis.kill();
        a.send(alice, "{\"type\":\"subscribe\",\"id\":7,\"user_ids\":[\"carol\"]}");
        a.send(alice, "{\"type\":\"join\",\"id\":8,\"room\":\"doc:9\"}");
        advance(Duration.ofMillis(1_500), a);
        await("the subscribe answered with an error", () -> a.received(alice, "error").stream().anyMatch(e -> e.path("id").asText().equals("7")));
        redis.restart();
        awaitHealthy(a);
        await("the join answered once Redis is back", () -> {
            advance(Duration.ofMillis(250), a);
            return a.received(alice, "room_snapshot").stream().anyMatch(r -> r.path("id").asText().equals("8"));
        });
    }

    @Test
    void anInvisibleUserStaysHiddenWhenAChangeReachesAnEmptyRedisBeforeTheSettings() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection carol = a.connect("carol", List.of("*"));
        RecordingConnection alice = b.connect("alice", List.of("*"));
        b.send(alice, "{\"type\":\"set_status\",\"id\":1,\"status\":\"invisible\"}");
        await("alice invisible", () -> "offline".equals(stored(a, "alice")));

        redis.kill();
        advance(Duration.ofMillis(1_500), a, b);
        redis.restart();
        await("node b reconnected", () -> {
            try {
                return "PONG".equals(b.connection.commands().ping().toCompletableFuture().join());
            } catch (RuntimeException e) {
                return false;
            }
        });
        b.send(alice, "{\"type\":\"activity\",\"state\":\"idle\"}"); // a change of her session before node b stores her again
        awaitHealthy(a, b);
        advance(Duration.ofMillis(2_000), a, b);
        await("invisible alice, seen by others", () -> "offline".equals(stored(a, "alice")));
    }
}
