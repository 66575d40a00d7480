package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.bus.BusMessage;
import io.beacon.bus.Channels;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.protocol.ServerMessage;
import io.beacon.rooms.RoomChange;
import io.beacon.rooms.RoomPage;
import io.beacon.rooms.RoomSession;
import io.beacon.rooms.RoomUpdate;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.Visibility;
import io.beacon.presence.Device;
import io.beacon.presence.ManualStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Rooms on one engine, on a fake clock (contract §4): snapshots and versioned diffs, grace on leave,
 * meta coalescing, typing expiry, signals, authorization, limits, blocks and large rooms.
 */
class RoomsEngineTest {
    private static final List<String> ALL_ROOMS = List.of("*");

    private EngineHarness h = new EngineHarness(EngineOptions.builder().nodeId("n").build(),
            (store, ticker) -> new PrivacyProjection(store, Visibility.CONTACTS, ticker::millis));

    private RecordingConnection member(String user, String room) {
        return member(user, "web", room);
    }

    private RecordingConnection member(String user, String device, String room) {
        RecordingConnection c = h.healthy(h.connect(user, device, null, ALL_ROOMS));
        h.send(c, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"" + room + "\"}");
        assertThat(c.last("room_snapshot").get("id").asText()).isEqualTo("j");
        return c;
    }

    private static List<String> users(JsonNode members) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : members) {
            out.add(m.get("user_id").asText());
        }
        return out;
    }

    /** What a client holds: the list it was shown, applied diff by diff, checking that versions chain. */
    private static final class ClientView {
        final Map<String, JsonNode> members = new java.util.LinkedHashMap<>();
        long version;
        int count;
        int diffs;

        void apply(RecordingConnection c) {
            for (JsonNode m : c.received) {
                switch (m.path("type").asText()) {
                    case "room_snapshot" -> {
                        members.clear();
                        for (JsonNode x : m.get("members")) {
                            members.put(x.get("user_id").asText(), x);
                        }
                        version = m.get("version").asLong();
                        count = m.get("count").asInt();
                    }
                    case "room_diff" -> {
                        assertThat(m.get("since").asLong()).as("diff continues from what the client holds: %s", m).isEqualTo(version);
                        assertThat(m.get("version").asLong()).isGreaterThan(version);
                        for (JsonNode x : m.get("joins")) {
                            members.put(x.get("user_id").asText(), x);
                        }
                        for (JsonNode x : m.get("updates")) {
                            assertThat(members).containsKey(x.get("user_id").asText());
                            members.put(x.get("user_id").asText(), x);
                        }
                        for (JsonNode x : m.get("leaves")) {
                            assertThat(members.remove(x.asText())).as("left member was shown").isNotNull();
                        }
                        version = m.get("version").asLong();
                        count = m.get("count").asInt();
                        diffs++;
                    }
                    default -> {
                    }
                }
            }
            c.clear();
        }
    }

    @Nested
    class SnapshotsAndDiffs {
        @Test
        void aJoinerGetsTheRoomWithThemselvesAndTheOthersGetOneDiff() {
            RecordingConnection alice = member("alice", "doc:42");
            JsonNode first = alice.last("room_snapshot");
            assertThat(first.get("room").asText()).isEqualTo("doc:42");
            assertThat(users(first.get("members"))).containsExactly("alice");
            assertThat(first.get("count").asInt()).isEqualTo(1);
            JsonNode s = first.get("members").get(0).get("sessions").get(0);
            assertThat(s.get("device").asText()).isEqualTo("web");
            assertThat(s.get("meta").toString()).isEqualTo("{}");
            assertThat(s.get("joined_at").asLong()).isEqualTo(h.ticker.millis());
            assertThat(s.get("session_id").asText()).isNotBlank();
            alice.clear();

            RecordingConnection bob = h.healthy(h.connect("bob", "mobile", null, ALL_ROOMS));
            h.send(bob, "{\"type\":\"join\",\"id\":7,\"room\":\"doc:42\",\"meta\":{\"mode\":\"viewing\"}}");

            JsonNode diff = alice.last("room_diff");
            assertThat(alice.ofType("room_diff")).hasSize(1);
            assertThat(users(diff.get("joins"))).containsExactly("bob");
            assertThat(diff.get("joins").get(0).get("sessions").get(0).get("meta").toString()).isEqualTo("{\"mode\":\"viewing\"}");
            assertThat(diff.get("leaves")).isEmpty();
            assertThat(diff.get("updates")).isEmpty();
            assertThat(diff.get("count").asInt()).isEqualTo(2);
            assertThat(diff.get("since").asLong()).isEqualTo(first.get("version").asLong());
            JsonNode snap = bob.last("room_snapshot");
            assertThat(snap.get("id").asInt()).isEqualTo(7);
            assertThat(users(snap.get("members"))).containsExactly("alice", "bob");
            assertThat(snap.get("version").asLong()).isEqualTo(diff.get("version").asLong());
            assertThat(bob.ofType("room_diff")).as("the joiner's own join is in its snapshot").isEmpty();
        }

        @Test
        void diffsChainVersionByVersionThroughJoinsMetaAndLeaves() {
            RecordingConnection alice = member("alice", "doc:1");
            ClientView view = new ClientView();
            view.apply(alice);
            RecordingConnection bob = member("bob", "doc:1");
            RecordingConnection carol = member("carol", "doc:1");
            h.advance(Duration.ofMillis(100));
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"cursor\":{\"x\":1}}}");
            h.send(carol, "{\"type\":\"leave\",\"id\":\"l\",\"room\":\"doc:1\"}");
            assertThat(carol.last("ack").get("id").asText()).isEqualTo("l");
            member("dave", "doc:1");
            view.apply(alice);

            assertThat(view.members.keySet()).containsExactly("alice", "bob", "dave");
            assertThat(view.members.get("bob").get("sessions").get(0).get("meta").toString()).isEqualTo("{\"cursor\":{\"x\":1}}");
            assertThat(view.count).isEqualTo(3);
            assertThat(view.diffs).isEqualTo(5);
        }

        @Test
        void aSecondSessionOfTheSameUserIsAnUpdateNotAJoin() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection web = member("bob", "web", "doc:1");
            alice.clear();
            RecordingConnection phone = member("bob", "mobile", "doc:1");

            JsonNode diff = alice.last("room_diff");
            assertThat(diff.get("joins")).isEmpty();
            assertThat(diff.get("updates")).hasSize(1);
            JsonNode sessions = diff.get("updates").get(0).get("sessions");
            assertThat(sessions).hasSize(2);
            assertThat(sessions.get(1).get("device").asText()).isEqualTo("mobile");
            assertThat(diff.get("count").asInt()).isEqualTo(2);
            assertThat(web.last("room_diff").get("updates")).hasSize(1);
            alice.clear();

            h.send(phone, "{\"type\":\"leave\",\"room\":\"doc:1\"}");
            diff = alice.last("room_diff");
            assertThat(diff.get("leaves")).isEmpty();
            assertThat(diff.get("updates").get(0).get("sessions")).hasSize(1);
        }

        @Test
        void aRepeatedJoinAnswersWithAFreshSnapshotAndChangesNothing() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = member("bob", "doc:1");
            alice.clear();
            h.send(bob, "{\"type\":\"join\",\"id\":\"again\",\"room\":\"doc:1\"}");
            assertThat(bob.last("room_snapshot").get("id").asText()).isEqualTo("again");
            assertThat(users(bob.last("room_snapshot").get("members"))).containsExactly("alice", "bob");
            assertThat(alice.received).isEmpty();
        }

        @Test
        void aLeaverIsAckedAndHearsNothingMoreOfTheRoom() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = member("bob", "doc:1");
            h.send(bob, "{\"type\":\"leave\",\"id\":1,\"room\":\"doc:1\"}");
            bob.clear();
            assertThat(users(alice.last("room_diff").get("joins"))).isEmpty();
            assertThat(alice.last("room_diff").get("leaves").get(0).asText()).isEqualTo("bob");

            member("carol", "doc:1");
            h.send(alice, "{\"type\":\"signal\",\"room\":\"doc:1\",\"kind\":\"wave\"}");
            assertThat(bob.received).isEmpty();
        }

        @Test
        void aNodeThatMissedAChangeReloadsTheRoomAndItsMembersGetTheRightList() {
            RecordingConnection alice = member("alice", "doc:1");
            ClientView view = new ClientView();
            view.apply(alice);
            // another node stored a join whose publication this node never received
            h.presenceStore.updateRoom("doc:1", new RoomUpdate.Join("zed", new RoomSession("z1", "other-node", Device.WEB, "{}",
                    h.ticker.millis()), Set.of(), 100), h.ticker.millis()).join();
            member("bob", "doc:1");
            view.apply(alice);

            assertThat(view.members.keySet()).containsExactly("alice", "zed", "bob");
            assertThat(view.count).isEqualTo(3);
            assertThat(h.engine.stats().roomReloads()).isEqualTo(1);
        }

        @Test
        void changesFromOtherNodesArriveOnTheBus() {
            RecordingConnection alice = member("alice", "doc:1");
            alice.clear();
            RoomChange change = h.presenceStore.updateRoom("doc:1", new RoomUpdate.Join("zed", new RoomSession("z1", "other-node",
                    Device.DESKTOP, "{\"mode\":\"editing\"}", h.ticker.millis()), Set.of(), 100), h.ticker.millis()).join();
            h.bus.publish(Channels.room("doc:1"), new BusMessage.RoomChanged(change));

            JsonNode diff = alice.last("room_diff");
            assertThat(users(diff.get("joins"))).containsExactly("zed");
            assertThat(diff.get("version").asLong()).isEqualTo(change.version());
            assertThat(h.engine.stats().roomReloads()).isZero();
        }
    }

    @Nested
    class GraceAndResume {
        private final EngineOptions options = EngineOptions.builder().nodeId("n").offlineGraceMs(5_000).build();

        @Test
        void aDroppedSessionLeavesOnlyAfterTheGraceWithOneLeave() {
            h = new EngineHarness(options);
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = h.connect("bob", "web", null, ALL_ROOMS);
            h.send(bob, "{\"type\":\"join\",\"room\":\"doc:1\"}");
            alice.clear();

            h.closeConnection(bob);
            h.run(Duration.ofMillis(4_900), Duration.ofMillis(100));
            assertThat(alice.ofType("room_diff")).as("nothing inside the grace").isEmpty();
            h.run(Duration.ofMillis(200), Duration.ofMillis(100));

            assertThat(alice.ofType("room_diff")).hasSize(1);
            assertThat(alice.last("room_diff").get("leaves").get(0).asText()).isEqualTo("bob");
            assertThat(alice.last("room_diff").get("joins")).isEmpty();
        }

        @Test
        void aResumeInsideTheGraceChangesNothingAndGetsAFreshSnapshot() {
            h = new EngineHarness(options);
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = h.connect("bob", "web", null, ALL_ROOMS);
            h.send(bob, "{\"type\":\"join\",\"room\":\"doc:1\"}");
            String resume = bob.last("welcome").get("resume_token").asText();
            h.closeConnection(bob);
            alice.clear();
            h.run(Duration.ofSeconds(3), Duration.ofMillis(100));
            h.send(alice, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"mode\":\"editing\"}}"); // missed by bob

            RecordingConnection back = h.healthy(h.connect("bob", "web", resume, ALL_ROOMS));
            h.run(Duration.ofSeconds(10), Duration.ofMillis(100));

            JsonNode snap = back.last("room_snapshot");
            assertThat(users(snap.get("members"))).containsExactly("alice", "bob");
            assertThat(snap.get("members").get(0).get("sessions").get(0).get("meta").toString()).isEqualTo("{\"mode\":\"editing\"}");
            for (JsonNode d : alice.ofType("room_diff")) {
                assertThat(d.get("leaves")).as("no leave").isEmpty();
                assertThat(d.get("joins")).as("no join").isEmpty();
            }
            // and the resumed session is a member again: it hears the room
            h.send(alice, "{\"type\":\"signal\",\"room\":\"doc:1\",\"kind\":\"wave\"}");
            assertThat(back.last("signal").get("kind").asText()).isEqualTo("wave");
        }

        @Test
        void aResumeWithATokenThatNoLongerAllowsTheRoomLeavesIt() {
            h = new EngineHarness(options);
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = h.connect("bob", "web", null, List.of("doc:*"));
            h.send(bob, "{\"type\":\"join\",\"room\":\"doc:1\"}");
            String resume = bob.last("welcome").get("resume_token").asText();
            h.closeConnection(bob);
            alice.clear();

            RecordingConnection back = h.connect("bob", "web", resume, List.of("chat:*"));
            assertThat(back.last("error").get("code").asText()).isEqualTo("forbidden");
            assertThat(back.last("error").get("message").asText()).contains("left room \"doc:1\"");
            assertThat(back.ofType("room_snapshot")).isEmpty();
            assertThat(alice.last("room_diff").get("leaves").get(0).asText()).isEqualTo("bob");
        }

        @Test
        void aBackendDisconnectLeavesAtOnce() {
            h = new EngineHarness(options);
            RecordingConnection alice = member("alice", "doc:1");
            member("bob", "doc:1");
            alice.clear();
            h.engine.disconnectUser("bob");
            assertThat(alice.last("room_diff").get("leaves").get(0).asText()).isEqualTo("bob");
        }
    }

    @Nested
    class MetaCoalescing {
        @Test
        void metaIsWrittenAtMostEvery50msAndTheLatestWins() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = member("bob", "doc:1");
            alice.clear();
            // 10 cursor moves in 40 ms right after the join: held until 50 ms after the join, then the last one
            for (int i = 1; i <= 10; i++) {
                h.send(bob, "{\"type\":\"room_meta\",\"id\":" + i + ",\"room\":\"doc:1\",\"meta\":{\"x\":" + i + "}}");
                assertThat(bob.last("ack").get("id").asInt()).isEqualTo(i);
                h.advance(Duration.ofMillis(4));
            }
            assertThat(alice.ofType("room_diff")).isEmpty();
            h.advance(Duration.ofMillis(10)); // 50 ms after the join
            assertThat(alice.ofType("room_diff")).hasSize(1);
            assertThat(alice.last("room_diff").get("updates").get(0).get("sessions").get(0).get("meta").toString()).isEqualTo("{\"x\":10}");

            // quiet for a while: the next move goes out at once
            h.advance(Duration.ofMillis(200));
            alice.clear();
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"x\":11}}");
            assertThat(alice.ofType("room_diff")).hasSize(1);
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"x\":12}}");
            h.advance(Duration.ofMillis(20));
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"x\":13}}");
            assertThat(alice.ofType("room_diff")).hasSize(1);
            h.advance(Duration.ofMillis(30));
            assertThat(alice.ofType("room_diff")).hasSize(2);
            assertThat(alice.last("room_diff").get("updates").get(0).get("sessions").get(0).get("meta").toString()).isEqualTo("{\"x\":13}");
        }

        @Test
        void eachMemberHasItsOwnWindow() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = member("bob", "doc:1");
            RecordingConnection carol = member("carol", "doc:1");
            h.advance(Duration.ofMillis(100));
            alice.clear();
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"b\":1}}");
            h.send(carol, "{\"type\":\"room_meta\",\"room\":\"doc:1\",\"meta\":{\"c\":1}}");
            assertThat(alice.ofType("room_diff")).hasSize(2);
        }

        @Test
        void metaSentWhileJoiningIsKeptAndStoredAfter() {
            RecordingConnection alice = member("alice", "doc:1");
            RecordingConnection bob = h.healthy(h.connect("bob", "web", null, ALL_ROOMS));
            h.send(bob, "{\"type\":\"join\",\"room\":\"doc:1\",\"meta\":{\"v\":1}}");
            h.send(bob, "{\"type\":\"join\",\"room\":\"doc:1\",\"meta\":{\"v\":2}}");
            h.advance(Duration.ofMillis(60));
            ClientView view = new ClientView();
            view.apply(alice);
            assertThat(view.members.get("bob").get("sessions").get(0).get("meta").toString()).isEqualTo("{\"v\":2}");
        }
    }

    @Nested
    class Signals {
        @Test
        void typingStartsOnceAndExpiresSixSecondsAfterTheLastOne() {
            RecordingConnection alice = member("alice", "chat:7");
            RecordingConnection bob = member("bob", "chat:7");
            alice.clear();
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
            assertThat(alice.last("signal").toString())
                    .isEqualTo("{\"type\":\"signal\",\"room\":\"chat:7\",\"user_id\":\"bob\",\"kind\":\"typing\",\"data\":{\"typing\":true}}");
            assertThat(bob.ofType("signal")).as("not echoed to the sender").isEmpty();
            h.advance(Duration.ofSeconds(3));
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
            assertThat(alice.ofType("signal")).as("a refresh is not repeated").hasSize(1);

            h.run(Duration.ofMillis(5_900), Duration.ofMillis(100));
            assertThat(alice.ofType("signal")).hasSize(1);
            h.run(Duration.ofMillis(200), Duration.ofMillis(100));
            assertThat(alice.ofType("signal")).hasSize(2);
            assertThat(alice.last("signal").get("data").toString()).isEqualTo("{\"typing\":false}");
        }

        @Test
        void typingStopsWhenTheSenderSaysSoOrLeaves() {
            RecordingConnection alice = member("alice", "chat:7");
            RecordingConnection bob = member("bob", "chat:7");
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\",\"data\":{\"typing\":false}}");
            assertThat(alice.last("signal").get("data").get("typing").asBoolean()).isFalse();
            alice.clear();
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
            RecordingConnection carol = member("carol", "chat:7");
            assertThat(carol.last("room_snapshot").get("typing").get(0).asText()).isEqualTo("bob");
            h.send(bob, "{\"type\":\"leave\",\"room\":\"chat:7\"}");
            assertThat(alice.last("signal").get("data").get("typing").asBoolean()).isFalse();
            h.run(Duration.ofSeconds(7), Duration.ofMillis(500));
            assertThat(alice.ofType("signal")).as("no second stop at the expiry").hasSize(2);
        }

        @Test
        void readMarkersAndAppKindsPassToEveryOtherSessionIncludingTheSendersOtherDevices() {
            RecordingConnection alice = member("alice", "chat:7");
            RecordingConnection bobWeb = member("bob", "web", "chat:7");
            RecordingConnection bobPhone = member("bob", "mobile", "chat:7");
            h.send(bobWeb, "{\"type\":\"signal\",\"id\":3,\"room\":\"chat:7\",\"kind\":\"read\",\"data\":{\"marker\":\"m-1042\"}}");
            assertThat(bobWeb.last("ack").get("id").asInt()).isEqualTo(3);
            assertThat(bobWeb.ofType("signal")).isEmpty();
            for (RecordingConnection c : List.of(alice, bobPhone)) {
                assertThat(c.last("signal").toString())
                        .isEqualTo("{\"type\":\"signal\",\"room\":\"chat:7\",\"user_id\":\"bob\",\"kind\":\"read\",\"data\":{\"marker\":\"m-1042\"}}");
            }
            h.send(alice, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"game.move\",\"data\":[3,4]}");
            assertThat(bobPhone.last("signal").get("data").toString()).isEqualTo("[3,4]");
        }

        @Test
        void signalsAreRateLimitedPerSession() {
            member("alice", "chat:7");
            RecordingConnection bob = member("bob", "chat:7");
            for (int i = 0; i < 20; i++) {
                h.send(bob, "{\"type\":\"signal\",\"id\":" + i + ",\"room\":\"chat:7\",\"kind\":\"x\"}");
            }
            assertThat(bob.ofType("ack")).hasSize(20);
            h.send(bob, "{\"type\":\"signal\",\"id\":\"over\",\"room\":\"chat:7\",\"kind\":\"x\"}");
            assertThat(bob.last("error").get("code").asText()).isEqualTo("rate_limited");
            assertThat(bob.last("error").get("id").asText()).isEqualTo("over");
            h.advance(Duration.ofMillis(100)); // one more token at 10 per second
            h.send(bob, "{\"type\":\"signal\",\"id\":\"ok\",\"room\":\"chat:7\",\"kind\":\"x\"}");
            assertThat(bob.last("ack").get("id").asText()).isEqualTo("ok");
        }
    }

    @Nested
    class AuthorizationAndLimits {
        @Test
        void theTokenClaimDecidesWhichRoomsMayBeJoined() {
            RecordingConnection c = h.connect("alice", "web", null, List.of("doc:*", "chat:7"));
            h.send(c, "{\"type\":\"join\",\"id\":1,\"room\":\"doc:42\"}");
            h.send(c, "{\"type\":\"join\",\"id\":2,\"room\":\"chat:7\"}");
            h.send(c, "{\"type\":\"join\",\"id\":3,\"room\":\"chat:8\"}");
            h.send(c, "{\"type\":\"join\",\"id\":4,\"room\":\"do\"}");
            assertThat(c.ofType("room_snapshot")).hasSize(2);
            List<JsonNode> errors = c.ofType("error");
            assertThat(errors).extracting(e -> e.get("id").asInt()).containsExactly(3, 4);
            assertThat(errors).allSatisfy(e -> assertThat(e.get("code").asText()).isEqualTo("forbidden"));

            RecordingConnection none = h.connect("bob", "web", null, List.of());
            h.send(none, "{\"type\":\"join\",\"id\":5,\"room\":\"doc:42\"}");
            assertThat(none.last("error").get("code").asText()).isEqualTo("forbidden");
            assertThat(h.presenceStore.room("chat:8").join().count()).isZero();
        }

        @Test
        void roomsPerSessionAndMembersPerRoomAreLimited() {
            h = new EngineHarness(EngineOptions.builder().nodeId("n").maxRoomsPerSession(2).maxRoomMembers(2).build());
            RecordingConnection a = member("a", "r1");
            h.send(a, "{\"type\":\"join\",\"room\":\"r2\"}");
            h.send(a, "{\"type\":\"join\",\"id\":\"third\",\"room\":\"r3\"}");
            assertThat(a.last("error").get("code").asText()).isEqualTo("too_large");
            assertThat(a.last("error").get("message").asText()).contains("at most 2 rooms");

            member("b", "r1");
            RecordingConnection c = h.connect("c", "web", null, ALL_ROOMS);
            h.send(c, "{\"type\":\"join\",\"id\":\"full\",\"room\":\"r1\"}");
            assertThat(c.last("error").get("code").asText()).isEqualTo("too_large");
            assertThat(c.last("error").get("message").asText()).contains("is full");
            h.send(c, "{\"type\":\"signal\",\"id\":\"s\",\"room\":\"r1\",\"kind\":\"x\"}");
            assertThat(c.last("error").get("code").asText()).isEqualTo("not_found");
            assertThat(h.presenceStore.room("r1").join().count()).isEqualTo(2);
            // a second session of a member is not a new member
            RecordingConnection b2 = h.connect("b", "mobile", null, ALL_ROOMS);
            h.send(b2, "{\"type\":\"join\",\"id\":\"ok\",\"room\":\"r1\"}");
            assertThat(b2.last("room_snapshot").get("count").asInt()).isEqualTo(2);
        }

        @Test
        void leaveMetaAndSignalOutsideARoomAreNotFoundAndChangeNothing() {
            RecordingConnection a = h.connect("a", "web", null, ALL_ROOMS);
            h.send(a, "{\"type\":\"leave\",\"id\":1,\"room\":\"r\"}");
            h.send(a, "{\"type\":\"room_meta\",\"id\":2,\"room\":\"r\",\"meta\":{}}");
            h.send(a, "{\"type\":\"signal\",\"id\":3,\"room\":\"r\",\"kind\":\"typing\"}");
            assertThat(a.ofType("error")).extracting(e -> e.get("code").asText()).containsExactly("not_found", "not_found", "not_found");
            assertThat(h.engine.stats().rooms()).isZero();
        }

        @Test
        void aRoomNobodyIsInIsForgottenEverywhere() {
            RecordingConnection a = member("a", "r");
            h.send(a, "{\"type\":\"leave\",\"room\":\"r\"}");
            assertThat(h.engine.stats().rooms()).isZero();
            assertThat(h.engine.stats().roomMembers()).isZero();
            assertThat(h.bus.channelCount()).as("only a's control channel and the settings channel").isEqualTo(2);
            assertThat(h.presenceStore.room("r").join().version()).isZero();
        }
    }

    @Nested
    class Privacy {
        private void settings(String user, Runnable write) {
            write.run();
            h.engine.settingsChanged(user);
        }

        @Test
        void aBlockedUserSeesNeitherTheBlockersMembershipNorTheirSignals() {
            h.settingsStore.setBlocks("bob", List.of("carol")).join();
            RecordingConnection alice = member("alice", "chat:7");
            RecordingConnection bob = member("bob", "chat:7");
            RecordingConnection carol = member("carol", "chat:7");

            JsonNode snap = carol.last("room_snapshot");
            assertThat(users(snap.get("members"))).containsExactly("alice", "carol");
            assertThat(snap.get("count").asInt()).isEqualTo(2);
            assertThat(users(alice.last("room_snapshot").get("members"))).containsExactly("alice");
            assertThat(users(alice.last("room_diff").get("joins"))).containsExactly("carol");
            assertThat(alice.last("room_diff").get("count").asInt()).isEqualTo(3);
            assertThat(users(bob.last("room_diff").get("joins"))).as("the blocker still sees the blocked").containsExactly("carol");

            carol.clear();
            h.send(bob, "{\"type\":\"signal\",\"room\":\"chat:7\",\"kind\":\"typing\"}");
            h.send(bob, "{\"type\":\"room_meta\",\"room\":\"chat:7\",\"meta\":{\"x\":1}}");
            h.advance(Duration.ofMillis(60));
            assertThat(alice.last("signal").get("user_id").asText()).isEqualTo("bob");
            assertThat(carol.ofType("signal")).isEmpty();
            assertThat(carol.ofType("room_diff")).isEmpty();
            h.send(bob, "{\"type\":\"leave\",\"room\":\"chat:7\"}");
            assertThat(carol.ofType("room_diff")).as("nor the blocker's leave").isEmpty();
        }

        @Test
        void blockingWhileInARoomHidesTheBlockerAndUnblockingShowsThemAgain() {
            RecordingConnection bob = member("bob", "chat:7");
            RecordingConnection carol = member("carol", "chat:7");
            ClientView view = new ClientView();
            view.apply(carol);
            assertThat(view.members.keySet()).containsExactly("bob", "carol");

            settings("bob", () -> h.settingsStore.setBlocks("bob", List.of("carol")).join());
            view.apply(carol);
            assertThat(view.members.keySet()).containsExactly("carol");
            assertThat(view.count).isEqualTo(1);
            bob.clear();

            settings("bob", () -> h.settingsStore.setBlocks("bob", List.of()).join());
            view.apply(carol);
            assertThat(view.members.keySet()).containsExactlyInAnyOrder("bob", "carol");
            assertThat(view.count).isEqualTo(2);
            assertThat(bob.ofType("room_diff")).as("nothing changed for bob's own view").isEmpty();
        }

        @Test
        void personalVisibilityAndInvisibilityDoNotHideAMemberFromTheirRoom() {
            h.settingsStore.setPrivacy("bob", Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT).join();
            h.settingsStore.setManual("bob", ManualStatus.INVISIBLE).join();
            member("bob", "chat:7");
            RecordingConnection alice = member("alice", "chat:7");
            assertThat(users(alice.last("room_snapshot").get("members"))).containsExactly("bob", "alice");
            h.send(alice, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
            assertThat(alice.last("presence_snapshot").get("presences").get(0).get("version").asLong())
                    .as("but their presence stays hidden").isZero();
        }

        @Test
        void theBackendListIsPagedAndHonoursAViewer() {
            h.settingsStore.setBlocks("m1", List.of("spy")).join();
            for (int i = 0; i < 5; i++) {
                member("m" + i, "big");
            }
            RoomPage first = h.engine.roomMembers("big", null, 0, 2).join();
            assertThat(first.count()).isEqualTo(5);
            assertThat(first.members()).extracting(m -> m.userId()).containsExactly("m0", "m1");
            RoomPage second = h.engine.roomMembers("big", null, first.nextAfter(), 2).join();
            assertThat(second.members()).extracting(m -> m.userId()).containsExactly("m2", "m3");
            RoomPage last = h.engine.roomMembers("big", null, second.nextAfter(), 2).join();
            assertThat(last.members()).extracting(m -> m.userId()).containsExactly("m4");
            assertThat(last.nextAfter()).isZero();

            RoomPage spy = h.engine.roomMembers("big", "spy", 0, 10).join();
            assertThat(spy.count()).isEqualTo(4);
            assertThat(spy.members()).extracting(m -> m.userId()).containsExactly("m0", "m2", "m3", "m4");
            RoomPage spyPaged = h.engine.roomMembers("big", "spy", 0, 2).join();
            assertThat(spyPaged.members()).extracting(m -> m.userId()).containsExactly("m0", "m2");
            assertThat(h.engine.roomMembers("big", "spy", spyPaged.nextAfter(), 2).join().members())
                    .extracting(m -> m.userId()).containsExactly("m3", "m4");
        }
    }

    @Nested
    class LargeRooms {
        private final EngineOptions options = EngineOptions.builder().nodeId("n").roomLargeThreshold(3).build();

        @Test
        void aboveTheThresholdJoinersGetTheFirstPageAndTheCountAndDiffsComeOncePerSecond() {
            h = new EngineHarness(options);
            RecordingConnection first = member("m0", "hall");
            for (int i = 1; i < 3; i++) {
                member("m" + i, "hall");
            }
            ClientView view = new ClientView();
            view.apply(first);
            assertThat(view.members).hasSize(3);

            // the 4th member makes the room large: the first diff after a quiet second leaves at once
            h.advance(Duration.ofSeconds(1));
            RecordingConnection fourth = member("m3", "hall");
            view.apply(first);
            assertThat(view.count).isEqualTo(4);
            assertThat(view.members.keySet()).containsExactly("m0", "m1", "m2");
            int diffs = view.diffs;

            // more joins within the second: no diff until a second after the last one
            RecordingConnection last = null;
            for (int i = 4; i < 10; i++) {
                last = member("m" + i, "hall");
                h.advance(Duration.ofMillis(100));
            }
            JsonNode snap = last.last("room_snapshot");
            assertThat(snap.get("count").asInt()).as("the joiner learns the count of now").isEqualTo(10);
            assertThat(snap.get("members")).as("and the first page").hasSize(3);
            assertThat(snap.get("large").asBoolean()).isTrue();
            view.apply(first);
            assertThat(view.diffs).isEqualTo(diffs);
            h.advance(Duration.ofMillis(400));
            view.apply(first);
            assertThat(view.diffs).isEqualTo(diffs + 1);
            assertThat(view.count).isEqualTo(10);
            assertThat(view.members.keySet()).containsExactly("m0", "m1", "m2");

            // a member of the first page leaves: the next in join order takes the place, a second later
            h.send(first, "{\"type\":\"leave\",\"room\":\"hall\"}");
            ClientView fourthView = new ClientView();
            fourthView.apply(fourth);
            h.advance(Duration.ofSeconds(1));
            fourthView.apply(fourth);
            assertThat(fourthView.members.keySet()).containsExactly("m1", "m2", "m3");
            assertThat(fourthView.count).isEqualTo(9);
        }

        @Test
        void metaOfMembersBeyondTheFirstPageSendsNothing() {
            h = new EngineHarness(options);
            List<RecordingConnection> c = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                c.add(member("m" + i, "hall"));
            }
            h.advance(Duration.ofSeconds(2));
            for (RecordingConnection x : c) {
                x.clear();
            }
            h.send(c.get(5), "{\"type\":\"room_meta\",\"room\":\"hall\",\"meta\":{\"x\":1}}");
            h.advance(Duration.ofSeconds(2));
            assertThat(c.get(0).ofType("room_diff")).isEmpty();
            h.send(c.get(1), "{\"type\":\"room_meta\",\"room\":\"hall\",\"meta\":{\"x\":1}}");
            h.advance(Duration.ofSeconds(2));
            assertThat(c.get(0).last("room_diff").get("updates").get(0).get("user_id").asText()).isEqualTo("m1");
        }
    }

    /** Counts what the engine sends without parsing it. */
    private static final class CountingConnection extends Connection {
        long messages;
        long bytes;
        ServerMessage lastSnapshot;

        @Override
        public void send(ServerMessage message) {
            messages++;
            bytes += message.json().length;
            if (message.type().equals("room_snapshot")) {
                lastSnapshot = message;
            }
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    @Nested
    class JoinStorm {
        private long storm(int members) {
            h = new EngineHarness(EngineOptions.builder().nodeId("n").build());
            List<CountingConnection> conns = new ArrayList<>();
            io.beacon.protocol.ClientMessages parser = new io.beacon.protocol.ClientMessages(io.beacon.protocol.ProtocolLimits.DEFAULTS);
            io.beacon.protocol.ClientMessage.Hello hello = (io.beacon.protocol.ClientMessage.Hello) parser.parse(
                    "{\"type\":\"hello\",\"token\":\"t\",\"device\":\"web\"}");
            io.beacon.protocol.ClientMessage join = parser.parse("{\"type\":\"join\",\"id\":1,\"room\":\"stadium\"}");
            for (int i = 0; i < members; i++) {
                CountingConnection c = new CountingConnection();
                h.engine.connectionOpened(c);
                h.engine.hello(c, "u" + i, null, ALL_ROOMS, hello);
                conns.add(c);
            }
            long before = conns.stream().mapToLong(c -> c.messages).sum();
            for (int i = 0; i < members; i++) {
                h.engine.message(conns.get(i), join);
                if (i % 50 == 49) {
                    h.advance(Duration.ofMillis(100)); // 500 joins per second
                }
            }
            h.advance(Duration.ofSeconds(2));
            long sent = conns.stream().mapToLong(c -> c.messages).sum() - before;
            String snap = conns.get(members - 1).lastSnapshot.jsonString();
            assertThat(snap).contains("\"count\":" + members);
            return sent;
        }

        @Test
        void messagesGrowLinearlyWithTheRoomNotWithItsSquare() {
            int t = EngineOptions.DEFAULT_ROOM_LARGE_THRESHOLD;
            long n1000 = storm(1_000);
            long n2000 = storm(2_000);
            // below the threshold every join reaches every member (at most t*t/2); above it each joiner
            // gets one snapshot and each member one diff per second of the storm (2 s here, plus the tail)
            long seconds = 1_000 / 500 + 3;
            assertThat(n1000).isLessThanOrEqualTo((long) t * t / 2 + t + 1_000L * (1 + seconds));
            assertThat(n2000).isLessThanOrEqualTo((long) t * t / 2 + t + 2_000L * (1 + 2 * seconds));
            // quadratic growth would make the second storm 4x the first (a n^2 storm of 2,000 is 2,000,000)
            assertThat(n2000 - n1000).isLessThan(3 * (n1000 - (long) t * t / 2));
        }
    }
}
