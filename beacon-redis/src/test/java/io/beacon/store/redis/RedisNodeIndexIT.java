package io.beacon.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.presence.Device;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomSession;
import io.beacon.rooms.RoomUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the Redis store has: the index of what each node holds (for the cleanup after it dies),
 * the removal of a dead node's sessions while other nodes change the room, and ids with braces.
 */
class RedisNodeIndexIT {
    private static final long NOW = 1_764_000_000_000L;
    private RedisServers.Server redis;
    private RedisConnection c1;
    private RedisConnection c2;

    @BeforeEach
    void start() {
        redis = RedisServers.start();
        c1 = RedisConnection.connect(RedisConnection.Options.standalone(redis.uri()));
        c2 = RedisConnection.connect(RedisConnection.Options.standalone(redis.uri()));
    }

    @AfterEach
    void stop() {
        c1.close();
        c2.close();
        redis.close();
    }

    private static RoomUpdate.Join join(String user, String session, String node) {
        return new RoomUpdate.Join(user, new RoomSession(session, node, Device.WEB, "{}", NOW), Set.of(), 10_000);
    }

    @Test
    void aLeaveAndAJoinOfOneNodeThatOverlapKeepTheRoomInTheNodesIndex() {
        RedisPresenceStore store = new RedisPresenceStore(c1);
        NodeLeases leases = new NodeLeases(c1, 5_000);
        for (int i = 0; i < 20; i++) {
            String room = "race-" + i;
            store.updateRoom(room, join("u1", "s1", "node-A"), NOW).join();
            CompletableFuture<RoomChange> leave = store.updateRoom(room, new RoomUpdate.Leave("u1", "s1"), NOW);
            CompletableFuture<RoomChange> join = store.updateRoom(room, join("u2", "s2", "node-A"), NOW);
            CompletableFuture.allOf(leave, join).join();
            assertThat(leases.held("node-A").join().rooms()).as("node A holds u2's session in %s", room).contains(room);
        }
    }

    @Test
    void aRoomLeavesTheNodesIndexOnlyWhenTheNodeSaysItLeft() {
        RedisPresenceStore store = new RedisPresenceStore(c1);
        NodeLeases leases = new NodeLeases(c1, 5_000);
        store.updateRoom("doc", join("u1", "s1", "node-A"), NOW).join();
        store.updateRoom("doc", new RoomUpdate.Leave("u1", "s1"), NOW).join();
        assertThat(leases.held("node-A").join().rooms()).containsExactly("doc");

        store.nodeLeftRoom("doc", "node-A");
        assertThat(leases.held("node-A").join().rooms()).isEmpty();
    }

    @Test
    void aDeadNodesRemovalThatSpansAnotherNodesChangeMakesEveryNodeReadTheRoomAgain() {
        RedisPresenceStore cleaner = new RedisPresenceStore(c1);
        RedisPresenceStore other = new RedisPresenceStore(c2);
        String room = "merge";
        for (int k = 0; k < 200; k++) {
            cleaner.updateRoom(room, join("d" + k, "sd" + k, "node-dead"), NOW).join();
        }
        CompletableFuture<RoomChange> removal = cleaner.updateRoom(room, new RoomUpdate.RemoveNode("node-dead"), NOW);
        List<RoomChange> others = new ArrayList<>();
        int n = 0;
        while (!removal.isDone()) {
            others.add(other.updateRoom(room, join("x" + n, "sx" + n, "node-live"), NOW).join());
            n++;
        }
        RoomChange merged = removal.join();
        assertThat(merged.removed()).hasSize(200);
        boolean spanned = others.stream().anyMatch(x -> x.version() > merged.since() && x.version() < merged.version());
        if (spanned || merged.since() == -1) {
            assertThat(merged.since()).as("a change that hides another's cannot be applied as a diff").isEqualTo(-1);
        }
        assertThat(cleaner.room(room).join().count()).isEqualTo(others.size());
    }

    @Test
    void mergedChangesThatFollowEachOtherKeepTheirSince() {
        RoomChange first = new RoomChange("r", RoomChange.Outcome.CHANGED, 10, 11, 1, List.of(), List.of("a"));
        RoomChange second = new RoomChange("r", RoomChange.Outcome.CHANGED, 11, 12, 0, List.of(), List.of("b"));
        RoomChange gap = new RoomChange("r", RoomChange.Outcome.CHANGED, 13, 14, 0, List.of(), List.of("c"));

        assertThat(RedisPresenceStore.merge("r", List.of(first, second)).since()).isEqualTo(10);
        assertThat(RedisPresenceStore.merge("r", List.of(first, second)).removed()).containsExactly("a", "b");
        assertThat(RedisPresenceStore.merge("r", List.of(first, second, gap)).since()).isEqualTo(-1);
    }

    @Test
    void idsWithBracesKeepEveryKeyOfOneRoomOnOneShard() {
        assertThat(RedisPresenceStore.tag("}x")).isEqualTo("%7Dx");
        assertThat(RedisPresenceStore.tag("a{b}%")).isEqualTo("a%7Bb%7D%25");
        assertThat(RedisPresenceStore.tag("%7D")).as("escaping is one-to-one").isEqualTo("%257D");
        assertThat(RedisPresenceStore.tag("doc:1")).isEqualTo("doc:1");

        RedisPresenceStore store = new RedisPresenceStore(c1);
        for (String id : List.of("}x", "{", "a}b", "%7D", "}")) {
            store.updateRoom(id, join(id, "s-" + id, "node-A"), NOW).join();
            assertThat(store.room(id).join().members()).extracting(m -> m.userId()).containsExactly(id);
        }
        assertThat(store.room("%7D").join().count()).as("%7D and } are different rooms").isEqualTo(1);
    }
}
