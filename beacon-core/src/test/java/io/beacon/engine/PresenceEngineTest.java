package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every timing rule of contract §2 on a fake clock: no sleeping. */
class PresenceEngineTest {
    private final EngineHarness h = new EngineHarness();

    private RecordingConnection watcherOf(String... targets) {
        RecordingConnection w = h.healthy(h.connect("watcher", "web"));
        StringBuilder ids = new StringBuilder();
        for (String t : targets) {
            ids.append(ids.isEmpty() ? "" : ",").append('"').append(t).append('"');
        }
        h.send(w, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[" + ids + "]}");
        w.clear();
        return w;
    }

    private static List<JsonNode> presences(RecordingConnection c, String user) {
        return c.ofType("presence").stream().filter(p -> p.get("user_id").asText().equals(user)).toList();
    }

    private static void assertVersionsIncrease(RecordingConnection c) {
        Map<String, Long> last = new HashMap<>();
        for (JsonNode n : c.received) {
            List<JsonNode> items = switch (n.get("type").asText()) {
                case "presence" -> List.of(n);
                case "presence_snapshot" -> {
                    List<JsonNode> l = new java.util.ArrayList<>();
                    n.get("presences").forEach(l::add);
                    yield l;
                }
                default -> List.of();
            };
            for (JsonNode p : items) {
                long v = p.get("version").asLong();
                Long prev = last.put(p.get("user_id").asText(), v);
                if (prev != null && n.get("type").asText().equals("presence")) {
                    assertThat(v).as("version of %s after %s", p, prev).isGreaterThan(prev);
                }
            }
        }
    }

    @Test
    void welcomeCarriesTheTimingSettingsAndAResumeToken() {
        RecordingConnection c = h.connect("alice", "web");
        JsonNode w = c.last("welcome");
        assertThat(w.get("user_id").asText()).isEqualTo("alice");
        assertThat(w.get("heartbeat_interval_ms").asLong()).isEqualTo(15_000);
        assertThat(w.get("session_ttl_ms").asLong()).isEqualTo(40_000);
        assertThat(w.get("resume_token").asText()).hasSizeGreaterThan(16);
        assertThat(w.get("session_id").asText()).isNotBlank();
        assertThat(w.get("server_time").asLong()).isEqualTo(h.ticker.millis());
    }

    @Test
    void subscriberSeesSnapshotThenLiveUpdates() {
        RecordingConnection w = h.connect("watcher", "web");
        h.send(w, "{\"type\":\"subscribe\",\"id\":\"s1\",\"user_ids\":[\"bob\"]}");
        JsonNode snap = w.last("presence_snapshot");
        assertThat(snap.get("id").asText()).isEqualTo("s1");
        assertThat(snap.get("presences").get(0).get("status").asText()).isEqualTo("offline");
        assertThat(snap.get("presences").get(0).get("version").asLong()).isZero();

        h.connect("bob", "mobile");
        JsonNode p = w.last("presence");
        assertThat(p.get("user_id").asText()).isEqualTo("bob");
        assertThat(p.get("status").asText()).isEqualTo("online");
        assertThat(p.get("devices").get(0).get("device").asText()).isEqualTo("mobile");
        assertThat(p.get("version").asLong()).isPositive();
    }

    @Test
    void heartbeatsKeepASessionAliveWithoutPings() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        w.clear();
        for (int i = 0; i < 19; i++) { // 285 s: not yet idle
            h.run(Duration.ofSeconds(15), Duration.ofSeconds(1));
            h.send(bob, "{\"type\":\"heartbeat\"}");
        }
        assertThat(bob.pings).isZero();
        assertThat(bob.closeCode).isNull();
        assertThat(presences(w, "bob")).isEmpty();
    }

    @Test
    void silentSessionIsPingedThenDroppedAndOfflineWithinTheTtl() {
        RecordingConnection w = watcherOf("bob");
        long connectedAt = h.ticker.millis();
        RecordingConnection bob = h.connect("bob", "web");
        w.clear();

        h.run(Duration.ofSeconds(19), Duration.ofMillis(100));
        assertThat(bob.pings).isZero();
        h.run(Duration.ofSeconds(2), Duration.ofMillis(100));
        assertThat(bob.pings).isEqualTo(1);

        h.run(Duration.ofMillis(18_900), Duration.ofMillis(100));
        assertThat(bob.closeCode).isNull();
        assertThat(presences(w, "bob")).isEmpty();
        h.run(Duration.ofMillis(200), Duration.ofMillis(100));
        assertThat(bob.closeCode).isEqualTo(Connection.CLOSE_SESSION_EXPIRED);
        // the session ended at its last frame, 40 s ago: its grace is long over, offline is published at once
        JsonNode off = w.last("presence");
        assertThat(off.get("status").asText()).isEqualTo("offline");
        assertThat(off.get("last_seen").asLong()).as("last frame time").isEqualTo(connectedAt);
        assertThat(h.engine.stats().sessions()).isEqualTo(1);
    }

    @Test
    void pongOrAnyFrameAfterThePingKeepsTheSession() {
        RecordingConnection bob = h.connect("bob", "web");
        h.run(Duration.ofSeconds(21), Duration.ofMillis(500));
        assertThat(bob.pings).isEqualTo(1);
        bob.touch(h.ticker.nanos()); // the pong
        h.run(Duration.ofSeconds(30), Duration.ofMillis(500));
        assertThat(bob.closeCode).isNull();
    }

    @Test
    void cleanCloseGivesOfflineWithLastSeenOnlyAfterTheGrace() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        h.advance(Duration.ofSeconds(3));
        long closedAt = h.ticker.millis();
        h.closeConnection(bob);
        w.clear();
        h.run(Duration.ofMillis(4_900), Duration.ofMillis(50));
        assertThat(w.ofType("presence")).isEmpty();
        h.run(Duration.ofMillis(200), Duration.ofMillis(50));
        JsonNode off = w.last("presence");
        assertThat(off.get("status").asText()).isEqualTo("offline");
        assertThat(off.get("last_seen").asLong()).isEqualTo(closedAt);
        assertThat(off.has("devices")).isFalse();
        assertVersionsIncrease(w);
    }

    @Test
    void resumeInsideTheGracePublishesNothing() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        JsonNode welcome = bob.last("welcome");
        w.clear();
        h.closeConnection(bob);
        h.run(Duration.ofSeconds(4), Duration.ofMillis(100));

        RecordingConnection again = h.healthy(h.connect("bob", "web", welcome.get("resume_token").asText()));
        JsonNode w2 = again.last("welcome");
        assertThat(w2.get("session_id").asText()).isEqualTo(welcome.get("session_id").asText());
        assertThat(w2.get("resume_token").asText()).isNotEqualTo(welcome.get("resume_token").asText());
        h.run(Duration.ofSeconds(60), Duration.ofMillis(500));
        assertThat(w.received).as("no offline/online flap").isEmpty();
        assertThat(h.engine.stats().resumes()).isEqualTo(1);
    }

    @Test
    void resumeAfterTheGraceStartsANewSession() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        String token = bob.last("welcome").get("resume_token").asText();
        h.closeConnection(bob);
        h.run(Duration.ofSeconds(6), Duration.ofMillis(100));
        w.clear();
        RecordingConnection again = h.connect("bob", "web", token);
        assertThat(again.last("welcome").get("session_id").asText()).isNotEqualTo(bob.last("welcome").get("session_id").asText());
        assertThat(w.last("presence").get("status").asText()).isEqualTo("online");
    }

    @Test
    void resumeTokenOfAnotherUserIsIgnored() {
        RecordingConnection bob = h.connect("bob", "web");
        String token = bob.last("welcome").get("resume_token").asText();
        h.closeConnection(bob);
        RecordingConnection mallory = h.connect("mallory", "web", token);
        assertThat(mallory.last("welcome").get("session_id").asText()).isNotEqualTo(bob.last("welcome").get("session_id").asText());
        assertThat(mallory.last("welcome").get("user_id").asText()).isEqualTo("mallory");
    }

    @Test
    void resumeOnANewConnectionWhileTheOldOneIsStillOpenReplacesIt() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        String token = bob.last("welcome").get("resume_token").asText();
        w.clear();
        RecordingConnection again = h.healthy(h.connect("bob", "web", token));
        assertThat(bob.closeCode).isEqualTo(Connection.CLOSE_REPLACED);
        h.closeConnection(bob); // the transport reports the old close later: must not end the session
        h.run(Duration.ofSeconds(10), Duration.ofMillis(100));
        assertThat(w.received).isEmpty();
        assertThat(again.closeCode).isNull();
    }

    @Test
    void closingOneOfTwoDevicesKeepsTheUserOnline() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection web = h.connect("bob", "web");
        h.connect("bob", "mobile");
        assertThat(w.last("presence").get("devices")).hasSize(2);
        h.closeConnection(web);
        h.run(Duration.ofSeconds(6), Duration.ofMillis(100));
        JsonNode p = w.last("presence");
        assertThat(p.get("status").asText()).isEqualTo("online");
        assertThat(p.get("devices")).hasSize(1);
        assertThat(p.get("devices").get(0).get("device").asText()).isEqualTo("mobile");
        assertVersionsIncrease(w);
    }

    @Test
    void multiDeviceAggregation() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection web = h.connect("bob", "web");
        RecordingConnection mobile = h.connect("bob", "mobile");
        h.send(mobile, "{\"type\":\"activity\",\"state\":\"idle\"}");
        JsonNode p = w.last("presence");
        assertThat(p.get("status").asText()).as("one active device is enough").isEqualTo("online");
        assertThat(p.get("devices").toString()).contains("{\"device\":\"web\",\"status\":\"online\"}", "{\"device\":\"mobile\",\"status\":\"away\"}");
        h.send(web, "{\"type\":\"activity\",\"state\":\"idle\"}");
        assertThat(w.last("presence").get("status").asText()).as("every session idle").isEqualTo("away");
        h.send(mobile, "{\"type\":\"activity\",\"state\":\"active\"}");
        assertThat(w.last("presence").get("status").asText()).isEqualTo("online");
        h.send(web, "{\"type\":\"set_status\",\"status\":\"busy\"}");
        assertThat(w.last("presence").get("status").asText()).isEqualTo("busy");
        h.send(web, "{\"type\":\"set_status\",\"status\":\"away\"}");
        assertThat(w.last("presence").get("status").asText()).isEqualTo("away");
        h.send(web, "{\"type\":\"set_status\",\"status\":\"auto\"}");
        assertThat(w.last("presence").get("status").asText()).isEqualTo("online");
        assertVersionsIncrease(w);
    }

    @Test
    void idleAfterNoActivityBecomesAwayAndActivityBringsItBack() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        w.clear();
        for (int i = 0; i < 19; i++) { // heartbeats are not activity
            h.run(Duration.ofSeconds(15), Duration.ofSeconds(1));
            h.send(bob, "{\"type\":\"heartbeat\"}");
        }
        assertThat(presences(w, "bob")).isEmpty();
        long before = h.ticker.millis();
        h.run(Duration.ofSeconds(15), Duration.ofSeconds(1));
        JsonNode away = w.last("presence");
        assertThat(away.get("status").asText()).isEqualTo("away");
        assertThat(away.get("last_seen").asLong()).as("left online").isBetween(before, h.ticker.millis());
        h.send(bob, "{\"type\":\"activity\",\"id\":7,\"state\":\"active\"}");
        assertThat(w.last("presence").get("status").asText()).isEqualTo("online");
        assertThat(bob.last("ack").get("id").asInt()).isEqualTo(7);
        assertVersionsIncrease(w);
    }

    @Test
    void activityMessagesPostponeIdle() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        w.clear();
        for (int i = 0; i < 10; i++) {
            keepAlive(bob, Duration.ofMinutes(4));
            h.send(bob, "{\"type\":\"activity\",\"state\":\"active\"}");
        }
        assertThat(presences(w, "bob")).isEmpty();
    }

    @Test
    void customStatusExpiresOnTheServer() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        long expires = h.ticker.millis() + 60_000;
        h.send(bob, "{\"type\":\"set_custom_status\",\"id\":\"c\",\"text\":\"lunch\",\"emoji\":\"🍔\",\"expires_at\":" + expires + "}");
        assertThat(bob.last("ack").get("id").asText()).isEqualTo("c");
        JsonNode p = w.last("presence");
        assertThat(p.get("custom_status").get("text").asText()).isEqualTo("lunch");
        assertThat(p.get("custom_status").get("expires_at").asLong()).isEqualTo(expires);
        w.clear();
        keepAlive(bob, Duration.ofSeconds(59));
        assertThat(presences(w, "bob")).isEmpty();
        keepAlive(bob, Duration.ofSeconds(2));
        assertThat(w.last("presence").has("custom_status")).isFalse();
        assertThat(h.settingsStore.get("bob").join().customStatus()).isNotNull(); // durable copy; expired ones are ignored on load
        assertVersionsIncrease(w);
    }

    @Test
    void customStatusInThePastIsRefusedAndChangesNothing() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        w.clear();
        h.send(bob, "{\"type\":\"set_custom_status\",\"id\":1,\"text\":\"x\",\"expires_at\":1000}");
        assertThat(bob.last("error").get("code").asText()).isEqualTo("bad_request");
        assertThat(w.received).isEmpty();
    }

    @Test
    void activityExpires() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        h.send(bob, "{\"type\":\"set_activity\",\"activity\":\"in_call\",\"expires_at\":" + (h.ticker.millis() + 30_000) + "}");
        assertThat(w.last("presence").get("activity").asText()).isEqualTo("in_call");
        w.clear();
        keepAlive(bob, Duration.ofSeconds(31));
        assertThat(w.last("presence").has("activity")).isFalse();
    }

    @Test
    void latestActivityAmongSessionsWinsAndLeavesWithItsSession() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection web = h.connect("bob", "web");
        RecordingConnection mobile = h.connect("bob", "mobile");
        h.send(web, "{\"type\":\"set_activity\",\"activity\":\"presenting\"}");
        h.advance(Duration.ofSeconds(1));
        h.send(mobile, "{\"type\":\"set_activity\",\"activity\":\"in_call\"}");
        assertThat(w.last("presence").get("activity").asText()).isEqualTo("in_call");
        h.closeConnection(mobile);
        h.run(Duration.ofSeconds(6), Duration.ofMillis(100));
        assertThat(w.last("presence").get("activity").asText()).isEqualTo("presenting");
        h.send(web, "{\"type\":\"set_activity\",\"activity\":null}");
        assertThat(w.last("presence").has("activity")).isFalse();
    }

    @Test
    void invisibleLooksOfflineToOthersButNotToThemselves() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        h.send(bob, "{\"type\":\"subscribe\",\"user_ids\":[\"bob\"]}");
        h.send(bob, "{\"type\":\"set_status\",\"status\":\"invisible\"}");
        JsonNode other = w.last("presence");
        assertThat(other.get("status").asText()).isEqualTo("offline");
        assertThat(other.has("devices")).isFalse();
        h.send(bob, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
        assertThat(bob.last("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("online");
        w.clear();
        h.send(bob, "{\"type\":\"set_activity\",\"activity\":\"focus\"}");
        assertThat(w.received).as("an invisible user's activity must not leak").isEmpty();
        assertThat(bob.last("presence").get("activity").asText()).isEqualTo("focus");
    }

    @Test
    void anInvisibleUsersHiddenChangesDoNotMoveTheVersionOthersSee() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.healthy(h.connect("bob", "web"));
        h.send(bob, "{\"type\":\"set_status\",\"status\":\"invisible\"}");
        long hiddenAt = w.last("presence").get("version").asLong();
        long lastSeen = w.last("presence").get("last_seen").asLong();
        h.advance(Duration.ofSeconds(2));
        h.send(bob, "{\"type\":\"set_activity\",\"activity\":\"focus\"}");
        RecordingConnection bob2 = h.connect("bob", "mobile");
        h.send(w, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
        JsonNode seen = w.last("presence_snapshot").get("presences").get(0);
        assertThat(seen.get("version").asLong()).as("connecting and activity stay hidden").isEqualTo(hiddenAt);
        h.advance(Duration.ofSeconds(2));
        h.closeConnection(bob);
        h.closeConnection(bob2);
        h.run(Duration.ofSeconds(10), Duration.ofMillis(500));
        h.send(w, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
        seen = w.last("presence_snapshot").get("presences").get(0);
        assertThat(seen.get("version").asLong()).isEqualTo(hiddenAt);
        assertThat(seen.get("last_seen").asLong()).as("leaving while invisible is not told").isEqualTo(lastSeen);
    }

    @Test
    void aResumedSessionStillGoesIdle() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.connect("bob", "web");
        String token = bob.last("welcome").get("resume_token").asText();
        keepAlive(bob, Duration.ofMinutes(4).plusSeconds(58));
        h.closeConnection(bob);
        h.advance(Duration.ofSeconds(4)); // the idle deadline passes while the session lingers
        h.healthy(h.connect("bob", "web", token));
        w.clear();
        h.run(Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(w.last("presence").get("status").asText()).isEqualTo("away");
    }

    @Test
    void usersTheStoreForgotAreShownFromTheirDurableSettings() {
        // as after a restart: the presence store is empty, the settings store remembers
        h.settingsStore.setLastSeen("bob", h.ticker.millis() - 60_000).join();
        h.settingsStore.setCustomStatus("bob", new io.beacon.presence.CustomStatus("on leave", null, 0)).join();
        RecordingConnection w = h.connect("watcher", "web");
        h.send(w, "{\"type\":\"query\",\"user_ids\":[\"bob\",\"nobody\"]}");
        JsonNode bob = w.last("presence_snapshot").get("presences").get(0);
        assertThat(bob.get("status").asText()).isEqualTo("offline");
        assertThat(bob.get("last_seen").asLong()).isEqualTo(h.ticker.millis() - 60_000);
        assertThat(bob.get("custom_status").get("text").asText()).isEqualTo("on leave");
        long version = bob.get("version").asLong();
        assertThat(w.last("presence_snapshot").get("presences").get(1).get("version").asLong()).isZero();
        h.send(w, "{\"type\":\"subscribe\",\"user_ids\":[\"bob\"]}");
        h.connect("bob", "web");
        JsonNode online = w.last("presence");
        assertThat(online.get("status").asText()).isEqualTo("online");
        assertThat(online.get("version").asLong()).isGreaterThan(version);
        assertThat(online.get("custom_status").get("text").asText()).as("seeded from the settings").isEqualTo("on leave");
    }

    @Test
    void anExpiredTokenClosesTheConnectionWith4002AndAFreshTokenResumesWithoutAFlap() {
        RecordingConnection w = watcherOf("bob");
        RecordingConnection bob = h.healthy(new RecordingConnection());
        bob.touch(h.ticker.nanos());
        h.engine.connectionOpened(bob);
        h.engine.hello(bob, "bob", null, List.of(), h.ticker.millis() + 60_000,
                (io.beacon.protocol.ClientMessage.Hello) new io.beacon.protocol.ClientMessages(io.beacon.protocol.ProtocolLimits.DEFAULTS)
                        .parse("{\"type\":\"hello\",\"token\":\"t\"}"));
        String token = bob.last("welcome").get("resume_token").asText();
        w.clear();
        h.run(Duration.ofSeconds(59), Duration.ofMillis(500));
        assertThat(bob.closeCode).isNull();
        h.run(Duration.ofSeconds(2), Duration.ofMillis(100));
        assertThat(bob.closeCode).isEqualTo(Connection.CLOSE_TOKEN_EXPIRED);
        assertThat(bob.last("error").get("code").asText()).isEqualTo("token_expired");
        RecordingConnection again = h.healthy(h.connect("bob", "web", token));
        assertThat(again.last("welcome").get("session_id").asText()).isEqualTo(bob.last("welcome").get("session_id").asText());
        h.run(Duration.ofMinutes(2), Duration.ofSeconds(1));
        assertThat(w.received).as("no offline/online flap").isEmpty();
    }

    @Test
    void helloTimeoutClosesWith4001() {
        RecordingConnection c = new RecordingConnection();
        h.engine.connectionOpened(c);
        h.run(Duration.ofMillis(9_900), Duration.ofMillis(100));
        assertThat(c.closeCode).isNull();
        h.run(Duration.ofMillis(200), Duration.ofMillis(100));
        assertThat(c.closeCode).isEqualTo(4001);
        assertThat(c.last("error").get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void helloInTimeCancelsTheTimeout() {
        RecordingConnection bob = h.connect("bob", "web");
        h.run(Duration.ofSeconds(12), Duration.ofSeconds(1));
        assertThat(bob.closeCode).isNull();
    }

    @Test
    void subscriptionLimitIsEnforcedAtomically() {
        EngineHarness small = new EngineHarness(EngineOptions.builder().maxSubscriptions(2).build());
        RecordingConnection c = small.connect("a", "web");
        small.send(c, "{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"x\",\"y\"]}");
        small.send(c, "{\"type\":\"subscribe\",\"id\":2,\"user_ids\":[\"x\",\"z\"]}");
        JsonNode err = c.last("error");
        assertThat(err.get("code").asText()).isEqualTo("too_large");
        assertThat(err.get("id").asInt()).isEqualTo(2);
        c.clear();
        small.connect("z", "web");
        assertThat(c.ofType("presence")).as("z was not subscribed").isEmpty();
        small.send(c, "{\"type\":\"unsubscribe\",\"id\":3,\"user_ids\":[\"y\"]}");
        small.send(c, "{\"type\":\"subscribe\",\"id\":4,\"user_ids\":[\"z\"]}");
        assertThat(c.last("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("online");
    }

    @Test
    void unsubscribeStopsUpdatesAndReleasesTheBusChannel() {
        RecordingConnection w = watcherOf("bob");
        int channels = h.bus.channelCount();
        h.send(w, "{\"type\":\"unsubscribe\",\"id\":5,\"user_ids\":[\"bob\"]}");
        assertThat(w.last("ack").get("id").asInt()).isEqualTo(5);
        assertThat(h.bus.channelCount()).isEqualTo(channels - 1);
        w.clear();
        h.connect("bob", "web");
        assertThat(w.received).isEmpty();
    }

    @Test
    void queryAnswersWithoutSubscribing() {
        RecordingConnection w = h.connect("watcher", "web");
        h.connect("bob", "desktop");
        h.send(w, "{\"type\":\"query\",\"id\":\"q\",\"user_ids\":[\"bob\",\"nobody\"]}");
        JsonNode snap = w.last("presence_snapshot");
        assertThat(snap.get("id").asText()).isEqualTo("q");
        assertThat(snap.get("presences").get(0).get("status").asText()).isEqualTo("online");
        assertThat(snap.get("presences").get(1).toString()).isEqualTo("{\"user_id\":\"nobody\",\"status\":\"offline\",\"version\":0}");
        w.clear();
        h.connect("nobody", "web");
        assertThat(w.received).isEmpty();
    }

    @Test
    void resumedSessionKeepsItsSubscriptionsAndGetsAFreshSnapshot() {
        RecordingConnection w = h.connect("watcher", "web");
        h.send(w, "{\"type\":\"subscribe\",\"user_ids\":[\"bob\"]}");
        String token = w.last("welcome").get("resume_token").asText();
        h.closeConnection(w);
        h.connect("bob", "web"); // missed while disconnected
        RecordingConnection again = h.connect("watcher", "web", token);
        assertThat(again.last("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("online");
        again.clear();
        h.send(h.connect("bob", "mobile"), "{\"type\":\"heartbeat\"}");
        assertThat(again.last("presence").get("devices")).hasSize(2);
    }

    @Test
    void statsCountSessionsAndOnlineUsers() {
        RecordingConnection a1 = h.connect("a", "web");
        h.connect("a", "mobile");
        h.connect("b", "web");
        assertThat(h.engine.stats().sessions()).isEqualTo(3);
        assertThat(h.engine.stats().onlineUsers()).isEqualTo(2);
        assertThat(h.engine.stats().connections()).isEqualTo(3);
        h.closeConnection(a1);
        assertThat(h.engine.stats().connections()).isEqualTo(2);
        h.run(Duration.ofSeconds(6), Duration.ofMillis(500));
        assertThat(h.engine.stats().sessions()).isEqualTo(2);
        assertThat(h.engine.stats().onlineUsers()).isEqualTo(2);
    }

    @Test
    void aTokenWithoutARoomsClaimMayJoinNoRoom() {
        RecordingConnection c = h.connect("a", "web");
        h.send(c, "{\"type\":\"join\",\"id\":1,\"room\":\"doc:1\"}");
        assertThat(c.last("error").get("code").asText()).isEqualTo("forbidden");
    }

    private void keepAlive(RecordingConnection c, Duration d) {
        long remaining = d.toMillis();
        while (remaining > 0) {
            long step = Math.min(10_000, remaining);
            h.run(Duration.ofMillis(step), Duration.ofMillis(250));
            c.touch(h.ticker.nanos());
            remaining -= step;
        }
    }
}
