package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.bus.InMemoryBus;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.presence.PresenceChange;
import io.beacon.presence.PresenceStore;
import io.beacon.presence.PresenceUpdate;
import io.beacon.presence.SessionRecord;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.privacy.PrivacyRules;
import io.beacon.privacy.Projection;
import io.beacon.presence.Presence;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.protocol.ServerMessage;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomState;
import io.beacon.rooms.RoomUpdate;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.settings.Visibility;
import io.beacon.time.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Rooms under races and failures: joins whose privacy rules are still loading, a room that empties and
 * fills again, a store that fails, resumes that narrow the rooms claim, and what blocked viewers can
 * (not) learn. Found in review; each was a failing test first.
 */
class RoomsEdgeCasesTest {
    private static final List<String> ALL = List.of("*");
    final Map<String, CompletableFuture<PrivacyRules>> held = new HashMap<>();

    /** A projection whose rules for the users in {@link #held} complete only when the test says so. */
    private EngineHarness harness(EngineOptions options) {
        return new EngineHarness(options, (store, ticker) -> {
            PrivacyProjection inner = new PrivacyProjection(store, Visibility.CONTACTS, ticker::millis);
            return new Projection() {
                @Override
                public CompletableFuture<PrivacyRules> rules(String targetId) {
                    CompletableFuture<PrivacyRules> f = held.get(targetId);
                    return f != null ? f : inner.rules(targetId);
                }

                @Override
                public Presence project(String viewerId, Presence target, PrivacyRules rules) {
                    return inner.project(viewerId, target, rules);
                }
            };
        });
    }

    private static List<String> users(JsonNode members) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : members) {
            out.add(m.get("user_id").asText());
        }
        return out;
    }

    private RecordingConnection member(EngineHarness h, String user, String room) {
        RecordingConnection c = h.healthy(h.connect(user, "web", null, ALL));
        h.send(c, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + room + "\"}");
        return c;
    }

    // a room emptied in the store and refilled within the same ms while a join holds the LocalRoom open
    @Test
    void aRoomThatEmptiesAndFillsAgainInOneMillisecondIsNotTakenForOld() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        RecordingConnection alice = member(h, "alice", "r");
        held.put("bob", new CompletableFuture<>());
        RecordingConnection bob = h.healthy(h.connect("bob", "web", null, ALL));
        h.send(bob, "{\"type\":\"join\",\"id\":\"jb\",\"room\":\"r\"}"); // JOINING: rules loading
        h.send(alice, "{\"type\":\"leave\",\"room\":\"r\"}");          // room empty: the store forgets it
        h.ticker.advance(Duration.ofMillis(1));
        held.remove("bob").complete(PrivacyRules.OPEN);                    // join stored in a fresh record
        JsonNode snap = bob.last("room_snapshot");
        // carol joins a bit later: chains from bob's version, so the mirror never notices it lacks bob
        h.ticker.advance(Duration.ofMillis(5));
        RecordingConnection carol = member(h, "carol", "r");
        JsonNode csnap = carol.last("room_snapshot");
        assertThat(users(snap.get("members"))).as("bob's own snapshot").containsExactly("bob");
        assertThat(users(csnap.get("members"))).as("carol's snapshot").containsExactly("bob", "carol");
    }

    // large room: the joiner's snapshot has the count of now; a change reverting the count before the batch sends nothing
    @Test
    void aLargeRoomsJoinerEndsWithTheRightCountWhenItFallsBackBeforeTheBatch() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").roomLargeThreshold(3).build());
        List<RecordingConnection> c = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            c.add(member(h, "m" + i, "hall"));
        }
        h.advance(Duration.ofSeconds(2));
        h.advance(Duration.ofSeconds(2));
        RecordingConnection m4 = member(h, "m4", "hall");
        assertThat(c.get(0).last("room_diff").get("count").asInt()).as("m4's join went at once").isEqualTo(5); // first change after a quiet second: flushed at once, count 5
        h.advance(Duration.ofMillis(100));
        RecordingConnection j = member(h, "j", "hall");   // count 6 in j's snapshot, batched for the others
        assertThat(j.last("room_snapshot").get("count").asInt()).isEqualTo(6);
        h.send(m4, "{\"type\":\"leave\",\"room\":\"hall\"}"); // back to 5 before the batch
        h.advance(Duration.ofSeconds(3));
        int held = j.last("room_snapshot").get("count").asInt();
        for (JsonNode d : j.ofType("room_diff")) {
            held = d.get("count").asInt();
        }
        assertThat(h.engine.roomMembers("hall", null, 0, 10).join().count()).isEqualTo(5);
        assertThat(held).as("the count j holds").isEqualTo(5);
    }

    // privacy: a blocked viewer sees 'large' at a visible count <= threshold, and a window short of members
    @Test
    void aBlockedViewerSeesASmallRoomWhenWithoutTheBlockerItIsSmall() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").roomLargeThreshold(3).build());
        h.settingsStore.setBlocks("m0", List.of("spy")).join();
        member(h, "m0", "hall");
        member(h, "m1", "hall");
        member(h, "m2", "hall");
        RecordingConnection spy = member(h, "spy", "hall");
        JsonNode snap = spy.last("room_snapshot");
        // if m0 had simply left, spy would see a small room: [m1, m2, spy], count 3, no "large"
        assertThat(snap.get("count").asInt()).isEqualTo(3);
        assertThat(snap.has("large")).as("large at a visible count of 3 <= threshold 3").isFalse();
    }

    /** Counts distinct encoded diffs (identity) sent. */
    static final class IdConn extends Connection {
        final List<ServerMessage> sent = new ArrayList<>();

        @Override
        public void send(ServerMessage message) {
            sent.add(message);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    // after a change only one blocked viewer sees, every other recipient is 'lagging': the next diff is encoded per recipient
    @Test
    void aChangeOnlyABlockedViewerSeesDoesNotSplitEveryoneElsesDiff() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
        ClientMessage.Hello hello = (ClientMessage.Hello) parser.parse("{\"type\":\"hello\",\"token\":\"t\",\"device\":\"web\"}");
        List<IdConn> conns = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            IdConn c = new IdConn();
            h.engine.connectionOpened(c);
            h.engine.hello(c, "u" + i, null, ALL, hello);
            h.engine.message(c, parser.parse("{\"type\":\"join\",\"room\":\"r\"}"));
            conns.add(c);
        }
        h.advance(Duration.ofSeconds(1));
        // u0 blocks u1: only u1's view changes
        h.settingsStore.setBlocks("u0", List.of("u1")).join();
        h.engine.settingsChanged("u0");
        h.advance(Duration.ofSeconds(1));
        conns.forEach(c -> c.sent.clear());
        h.engine.message(conns.get(50), parser.parse("{\"type\":\"room_meta\",\"room\":\"r\",\"meta\":{\"x\":1}}"));
        h.advance(Duration.ofSeconds(1));
        Map<ServerMessage, Boolean> distinct = new IdentityHashMap<>();
        for (IdConn c : conns) {
            for (ServerMessage m : c.sent) {
                if (m.type().equals("room_diff")) {
                    distinct.put(m, true);
                }
            }
        }
        assertThat(distinct.size()).isLessThanOrEqualTo(2);
    }

    // a resume whose token no longer allows a room while its join is being stored: error, then a room_snapshot for the join
    @Test
    void aJoinInFlightWhenAResumeForbidsItsRoomIsAnsweredForbidden() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").offlineGraceMs(5_000).build());
        member(h, "alice", "doc:1");
        held.put("bob", new CompletableFuture<>());
        RecordingConnection bob = h.connect("bob", "web", null, List.of("doc:*"));
        h.send(bob, "{\"type\":\"join\",\"id\":\"j1\",\"room\":\"doc:1\"}");
        String resume = bob.last("welcome").get("resume_token").asText();
        h.closeConnection(bob);
        RecordingConnection back = h.connect("bob", "web", resume, List.of("chat:*"));
        held.remove("bob").complete(PrivacyRules.OPEN);
        assertThat(back.ofType("room_snapshot")).as("no snapshot for a room the session was made to leave").isEmpty();
    }

    // two leaves while joining: the first leave's id is never answered
    @Test
    void everyLeaveAskedForWhileJoiningIsAcked() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        held.put("bob", new CompletableFuture<>());
        RecordingConnection bob = h.healthy(h.connect("bob", "web", null, ALL));
        h.send(bob, "{\"type\":\"join\",\"id\":\"j1\",\"room\":\"r\"}");
        h.send(bob, "{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"r\"}");
        h.send(bob, "{\"type\":\"leave\",\"id\":\"l2\",\"room\":\"r\"}");
        held.remove("bob").complete(PrivacyRules.OPEN);
        List<String> answered = new ArrayList<>();
        for (JsonNode m : bob.received) {
            if (m.has("id")) {
                answered.add(m.get("type").asText() + ":" + m.get("id").asText());
            }
        }
        assertThat(answered).contains("ack:l1", "ack:l2");
    }

    /** Fails room leaves while {@link #failLeaves} is set. */
    static final class FlakyStore implements PresenceStore {
        final InMemoryPresenceStore inner = new InMemoryPresenceStore();
        boolean failLeaves;

        public CompletableFuture<PresenceChange> update(String userId, PresenceUpdate update, long nowMillis) {
            return inner.update(userId, update, nowMillis);
        }

        public CompletableFuture<Presence> get(String userId) {
            return inner.get(userId);
        }

        public CompletableFuture<Map<String, Presence>> getAll(Collection<String> userIds) {
            return inner.getAll(userIds);
        }

        public CompletableFuture<Map<String, SessionRecord>> sessions(String userId) {
            return inner.sessions(userId);
        }

        public CompletableFuture<RoomChange> updateRoom(String room, RoomUpdate update, long nowMillis) {
            if (failLeaves && update instanceof RoomUpdate.Leave) {
                return CompletableFuture.failedFuture(new RuntimeException("store down"));
            }
            return inner.updateRoom(room, update, nowMillis);
        }

        public CompletableFuture<RoomState> room(String room) {
            return inner.room(room);
        }

        public CompletableFuture<RoomPage> roomMembers(String room, long afterSeq, int limit) {
            return inner.roomMembers(room, afterSeq, limit);
        }
    }

    // a failed leave forgets the membership locally but the store keeps it: a ghost nobody can remove
    @Test
    void aFailedLeaveKeepsTheMemberInTheRoomSoItCanBeRetried() {
        FakeTicker ticker = new FakeTicker();
        FlakyStore store = new FlakyStore();
        InMemorySettingsStore settings = new InMemorySettingsStore();
        PresenceEngine engine = new PresenceEngine(EngineOptions.builder().nodeId("n").offlineGraceMs(0).build(), ticker, Runnable::run,
                store, settings, new InMemoryBus(), Projection.PUBLIC);
        ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
        ClientMessage.Hello hello = (ClientMessage.Hello) parser.parse("{\"type\":\"hello\",\"token\":\"t\",\"device\":\"web\"}");
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        engine.connectionOpened(alice);
        engine.hello(alice, "alice", null, ALL, hello);
        engine.connectionOpened(bob);
        engine.hello(bob, "bob", null, ALL, hello);
        engine.message(alice, parser.parse("{\"type\":\"join\",\"room\":\"r\"}"));
        engine.message(bob, parser.parse("{\"type\":\"join\",\"room\":\"r\"}"));
        store.failLeaves = true;
        engine.message(bob, parser.parse("{\"type\":\"leave\",\"id\":\"l1\",\"room\":\"r\"}"));
        assertThat(bob.last("error").get("id").asText()).isEqualTo("l1");
        assertThat(bob.last("error").get("message").asText()).contains("try again");
        assertThat(bob.last("room_snapshot").has("id")).as("a fresh snapshot: diffs were missed meanwhile").isFalse();
        store.failLeaves = false;
        engine.message(bob, parser.parse("{\"type\":\"leave\",\"id\":\"l2\",\"room\":\"r\"}"));
        assertThat(bob.last("ack").get("id").asText()).isEqualTo("l2");
        engine.connectionClosed(bob); // and the session ends (grace 0)
        RoomPage page = engine.roomMembers("r", null, 0, 10).join();
        assertThat(page.members()).extracting(m -> m.userId()).containsExactly("alice");
    }

    // privacy: the blocker's join flips the room to large; the blocked viewer gets an otherwise empty diff
    @Test
    void aHiddenBlockersJoinSendsTheBlockedViewerNothing() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").roomLargeThreshold(3).build());
        h.settingsStore.setBlocks("m0", List.of("spy")).join();
        member(h, "m1", "hall");
        member(h, "m2", "hall");
        RecordingConnection spy = member(h, "spy", "hall");
        spy.clear();
        h.advance(Duration.ofSeconds(2));
        member(h, "m0", "hall"); // only about m0, whom spy may not see
        h.advance(Duration.ofSeconds(2));
        assertThat(spy.ofType("room_diff")).as("nothing spy may see changed").isEmpty();
    }

    // privacy: a re-join (resync) shows the version moved although nothing the viewer may see changed
    @Test
    void aResyncShowsNoVersionMoveForWhatTheViewerMayNotSee() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        h.settingsStore.setBlocks("m0", List.of("spy")).join();
        RecordingConnection m0 = member(h, "m0", "hall");
        member(h, "m1", "hall");
        RecordingConnection spy = member(h, "spy", "hall");
        long v1 = spy.last("room_snapshot").get("version").asLong();
        h.advance(Duration.ofSeconds(1));
        h.send(m0, "{\"type\":\"room_meta\",\"room\":\"hall\",\"meta\":{\"x\":1}}");
        h.advance(Duration.ofSeconds(1));
        assertThat(spy.ofType("room_diff")).isEmpty();
        h.send(spy, "{\"type\":\"join\",\"id\":\"again\",\"room\":\"hall\"}");
        long v2 = spy.last("room_snapshot").get("version").asLong();
        assertThat(v2).as("same content, same version").isEqualTo(v1);
    }

    // a join left again before it was stored is never stored: the others see neither a join nor a leave
    @Test
    void aJoinLeftBeforeItIsStoredIsNeverSeen() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        RecordingConnection alice = member(h, "alice", "r");
        alice.clear();
        held.put("bob", new CompletableFuture<>());
        RecordingConnection bob = h.healthy(h.connect("bob", "web", null, ALL));
        h.send(bob, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r\"}");
        h.send(bob, "{\"type\":\"leave\",\"id\":\"l\",\"room\":\"r\"}");
        held.remove("bob").complete(PrivacyRules.OPEN);

        assertThat(bob.ofType("ack")).extracting(a -> a.get("id").asText()).containsExactly("j", "l");
        assertThat(bob.ofType("room_snapshot")).isEmpty();
        assertThat(alice.ofType("room_diff")).isEmpty();
        assertThat(h.engine.roomMembers("r", null, 0, 10).join().count()).isEqualTo(1);
    }

    // a typing member who blocks a viewer stops typing for that viewer, and types again when unblocked
    @Test
    void typingFollowsBlocks() {
        EngineHarness h = harness(EngineOptions.builder().nodeId("n").build());
        RecordingConnection bob = member(h, "bob", "chat");
        RecordingConnection carol = member(h, "carol", "chat");
        h.send(bob, "{\"type\":\"signal\",\"room\":\"chat\",\"kind\":\"typing\"}");
        assertThat(carol.last("signal").get("data").get("typing").asBoolean()).isTrue();

        h.settingsStore.setBlocks("bob", List.of("carol")).join();
        h.engine.settingsChanged("bob");
        assertThat(carol.last("signal").get("data").get("typing").asBoolean()).isFalse();
        h.settingsStore.setBlocks("bob", List.of()).join();
        h.engine.settingsChanged("bob");
        assertThat(carol.last("signal").get("data").get("typing").asBoolean()).isTrue();
    }
}
