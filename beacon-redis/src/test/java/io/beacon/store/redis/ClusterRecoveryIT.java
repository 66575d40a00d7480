package io.beacon.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.engine.RecordingConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recovery in a race with the clients: leaves, meta writes and joins while a node resyncs or is reborn,
 * a settings database that fails during a rebirth, a join Redis applied but never answered, and an
 * outage that outlasts every lease.
 */
class ClusterRecoveryIT extends ClusterHarness {

    /** A Redis outage (data kept) longer than lease TTL + grace: every lease is found expired, and nobody may clean up before all are reborn. */
    @Test
    void aRedisOutageLongerThanLeaseAndGraceFlapsNobody() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();
        int diffsBefore = a.received(alice, "room_diff").size();

        redis.cli("save");
        redis.kill();
        advanceConnected(Duration.ofMillis(TTL + GRACE + 2_000), a, alice, b, bob);
        redis.restart();
        advanceConnected(Duration.ofMillis(GRACE + 3_000), a, alice, b, bob);
        await("the old ids cleaned up", () -> redis.cli("hkeys", NodeLeases.LEASES).lines().map(String::strip).sorted().toList()
                .equals(List.of("node-a.1", "node-b.1")));
        assertThat(stored(a, "bob")).as("bob, connected to live node b").isEqualTo("online");
        List<JsonNode> diffs = a.received(alice, "room_diff");
        assertThat(a.received(alice, "presence")).as("no offline flap").noneMatch(p -> p.path("status").asText().equals("offline"));
        assertThat(diffs.subList(diffsBefore, diffs.size())).as("no leave flap").noneMatch(d -> d.path("leaves").size() > 0);
    }

    /** A session leaves a room while a resync's re-join of it waits for the member's privacy rules. */
    @Test
    void aLeaveDuringAResyncsRejoinStaysALeave() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection bob = w.bob();

        b.rulesDelayMs.set(1_000); // the settings cache was just emptied by the resync: rules come from the database
        b.run(() -> b.engine.resync());
        b.send(bob, "{\"type\":\"leave\",\"id\":9,\"room\":\"doc:1\"}");
        await("bob's leave acked", () -> b.received(bob, "ack").stream().anyMatch(x -> x.path("id").asText().equals("9")));
        await("the slowed rules answered", () -> b.slowRulesPending.get() == 0);
        b.rulesDelayMs.set(0);
        advance(Duration.ofMillis(3_000), a, b);
        assertThat(redis.cli("hkeys", "beacon:{doc:1}:members")).as("bob left the room").doesNotContain("bob");
    }

    /** ... and when node b dies later, nothing of bob is left in the room. */
    @Test
    void aLeaveDuringAResyncLeavesNothingBehindWhenTheNodeDies() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        b.rulesDelayMs.set(1_000);
        b.run(() -> b.engine.resync());
        b.send(bob, "{\"type\":\"leave\",\"id\":9,\"room\":\"doc:1\"}");
        await("bob's leave acked", () -> b.received(bob, "ack").stream().anyMatch(x -> x.path("id").asText().equals("9")));
        await("the slowed rules answered", () -> b.slowRulesPending.get() == 0);
        advance(Duration.ofMillis(2_000), a, b);
        b.kill();
        for (int i = 0; i < (TTL + GRACE + 3_000) / 250; i++) {
            ticker.advanceMillis(250);
            a.run(() -> alice.touch(ticker.nanos()));
            a.tick();
        }
        await("node b forgotten", () -> !redis.cli("hexists", NodeLeases.LEASES, "node-b").strip().equals("1"));
        assertThat(roomCount(a, "doc:1")).as("only alice is left in the room").isEqualTo(1);
    }

    /** A meta change during a resync's re-join is not overwritten by the re-join. */
    @Test
    void aMetaChangeDuringAResyncIsKept() {
        Watching w = aliceWatchesBob(true);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection bob = w.bob();
        advance(Duration.ofMillis(2_000), a, b); // the meta window is open

        b.rulesDelayMs.set(1_000);
        b.run(() -> b.engine.resync());
        b.send(bob, "{\"type\":\"room_meta\",\"id\":9,\"room\":\"doc:1\",\"meta\":{\"mode\":\"editing\"}}");
        await("bob's meta stored", () -> redis.cli("hget", "beacon:{doc:1}:members", "bob").contains("editing"));
        await("the slowed rules answered", () -> b.slowRulesPending.get() == 0);
        b.rulesDelayMs.set(0);
        advance(Duration.ofMillis(3_000), a, b);
        assertThat(redis.cli("hget", "beacon:{doc:1}:members", "bob")).as("bob's latest meta").contains("editing");
    }

    /** Node b stalls past its lease, and its settings database blips while it is reborn: its user stays online. */
    @Test
    void aSettingsFailureDuringARebirthLeavesTheUserOnline() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        RecordingConnection bob = w.bob();

        advance(Duration.ofMillis(TTL + 1_000), a); // node b stalls
        b.settingsFail.set(true);
        await("node b reborn", () -> {
            ticker.advanceMillis(10);
            b.run(() -> bob.touch(ticker.nanos()));
            b.tick();
            return b.call(() -> b.engine.nodeId()).equals("node-b.1");
        });
        advance(Duration.ofMillis(500), a, b);
        b.settingsFail.set(false); // the blip is over
        advanceConnected(Duration.ofMillis(GRACE + 5_000), a, alice, b, bob);
        assertThat(b.call(() -> bob.closeCode)).as("bob still connected to node b").isNull();
        assertThat(stored(a, "bob")).as("bob, connected to live node b").isEqualTo("online");
    }


    /** A join whose answer times out after Redis applied it is cleaned up: by a repair, or when the node dies. */
    @Test
    void aJoinThatTimedOutAfterRedisAppliedItIsCleanedUp() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection alice = a.connect("alice", List.of("*"));
        a.send(alice, "{\"type\":\"join\",\"id\":2,\"room\":\"doc:1\"}");
        await("alice in the room", () -> !a.received(alice, "room_snapshot").isEmpty());
        RecordingConnection bob = b.connect("bob", List.of("*"));
        b.joinTimesOutAfterApply.set(true);
        b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        await("bob told the join failed", () -> b.received(bob, "error").stream().anyMatch(e -> e.path("id").asText().equals("3")));
        b.joinTimesOutAfterApply.set(false);
        advance(Duration.ofMillis(500), a, b);
        b.kill(); // node b dies: its cleanup should at least remove what it stored
        for (int i = 0; i < (TTL + GRACE + 3_000) / 250; i++) {
            ticker.advanceMillis(250);
            a.run(() -> alice.touch(ticker.nanos()));
            a.tick();
        }
        await("node b forgotten", () -> !redis.cli("hexists", NodeLeases.LEASES, "node-b").strip().equals("1"));
        assertThat(roomCount(a, "doc:1")).as("node b's members are gone with it").isEqualTo(1);
    }

    /** A join in flight (sent under the old id) when the node is reborn is stored again under the new id before the old one is cleaned up. */
    @Test
    void aJoinInFlightAtARebirthIsStoredUnderTheNewId() {
        Node a = node("node-a");
        Node b = node("node-b");
        RecordingConnection bob = b.connect("bob", List.of("*"));
        await("bob online", () -> "online".equals(stored(a, "bob")));
        b.joinDelayMs.set(1_000);
        b.send(bob, "{\"type\":\"join\",\"id\":3,\"room\":\"doc:1\"}");
        await("the join is in flight", () -> b.joinsHeld.get() > 0);
        // what ClusterNode.recover does after a lost lease: rebirth, then clean up after the old id
        b.call(() -> b.engine.rebirth("node-b.1")).join();
        await("bob's join answered", () -> !b.received(bob, "room_snapshot").isEmpty());
        b.joinDelayMs.set(0);
        NodeLeases.Held held = new NodeLeases(b.connection, TTL).held("node-b").join();
        b.call(() -> b.engine.removeNode("node-b", ticker.millis(), held.users(), held.rooms())).join();
        assertThat(roomCount(a, "doc:1")).as("bob, joined on live node b").isEqualTo(1);
    }

    /** Node b dies, then Redis restarts empty before anyone cleaned up: no lease is left to tell, so the watchers find out. */
    @Test
    void aUserWhoseNodeDiedWhileRedisLostEverythingIsShownOffline() {
        Watching w = aliceWatchesBob(false);
        Node a = w.a();
        Node b = w.b();
        RecordingConnection alice = w.alice();
        b.kill();
        redis.kill();
        advance(Duration.ofMillis(1_500), a);
        redis.restart();
        awaitHealthy(a);
        await("alice is shown bob offline", () -> {
            advance(Duration.ofMillis(250), a);
            return "offline".equals(lastStatus(a.received(alice, "presence"), "bob"));
        });
        assertThat(stored(a, "bob")).isEqualTo("offline");
    }
}
