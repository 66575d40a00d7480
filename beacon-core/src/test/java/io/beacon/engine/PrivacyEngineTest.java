package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.Visibility;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Privacy on the live paths: settings changes reach subscribers, blocks, last seen, backend disconnects. */
class PrivacyEngineTest {
    private final EngineHarness h = new EngineHarness(EngineOptions.builder().nodeId("n").build(),
            (store, ticker) -> new PrivacyProjection(store, Visibility.CONTACTS, ticker::millis));

    private RecordingConnection watcher(String viewer, String target) {
        RecordingConnection w = h.healthy(h.connect(viewer, "web"));
        h.send(w, "{\"type\":\"subscribe\",\"id\":\"s\",\"user_ids\":[\"" + target + "\"]}");
        return w;
    }

    private void settings(String user, Runnable write) {
        write.run();
        h.engine.settingsChanged(user);
    }

    @Test
    void strangersSeeAnUnknownUserByDefaultAndContactsSeeTheTruth() {
        h.settingsStore.setContacts("bob", List.of("alice")).join();
        RecordingConnection alice = watcher("alice", "bob");
        RecordingConnection eve = watcher("eve", "bob");
        h.connect("bob", "web");
        assertThat(alice.last("presence").get("status").asText()).isEqualTo("online");
        assertThat(eve.ofType("presence")).isEmpty();
        assertThat(eve.last("presence_snapshot").get("presences").get(0).toString())
                .isEqualTo("{\"user_id\":\"bob\",\"status\":\"offline\",\"version\":0}");
        h.send(eve, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
        assertThat(eve.last("presence_snapshot").get("presences").get(0).get("version").asLong()).isZero();
        assertThat(h.engine.read("eve", List.of("bob")).join().get(0).version()).isZero();
        assertThat(h.engine.read("alice", List.of("bob")).join().get(0).version()).isPositive();
    }

    @Test
    void losingAccessGivesOnePlainOfflineThenSilenceAndRegainingGivesTheTruth() {
        h.settingsStore.setContacts("bob", List.of("alice")).join();
        RecordingConnection alice = watcher("alice", "bob");
        RecordingConnection bob = h.healthy(h.connect("bob", "web"));
        long before = alice.last("presence").get("version").asLong();
        alice.clear();

        settings("bob", () -> h.settingsStore.setContacts("bob", List.of()).join());
        JsonNode lost = alice.last("presence");
        assertThat(lost.toString()).isEqualTo("{\"type\":\"presence\",\"user_id\":\"bob\",\"status\":\"offline\",\"version\":"
                + lost.get("version").asLong() + "}");
        assertThat(lost.get("version").asLong()).isGreaterThan(before);
        alice.clear();
        h.send(bob, "{\"type\":\"set_status\",\"status\":\"busy\"}");
        h.send(bob, "{\"type\":\"set_custom_status\",\"text\":\"hidden\"}");
        assertThat(alice.received).as("silence while refused").isEmpty();

        settings("bob", () -> h.settingsStore.setPrivacy("bob", Visibility.EVERYONE, null, LastSeenPrecision.EXACT).join());
        JsonNode back = alice.last("presence");
        assertThat(back.get("status").asText()).isEqualTo("busy");
        assertThat(back.get("custom_status").get("text").asText()).isEqualTo("hidden");
        assertThat(back.get("version").asLong()).isGreaterThan(lost.get("version").asLong());
    }

    @Test
    void blockedViewersSeeNothingEvenWithEveryone() {
        h.settingsStore.setPrivacy("bob", Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT).join();
        RecordingConnection mallory = watcher("mallory", "bob");
        RecordingConnection alice = watcher("alice", "bob");
        h.connect("bob", "web");
        assertThat(mallory.ofType("presence")).hasSize(1);
        settings("bob", () -> h.settingsStore.setBlocks("bob", List.of("mallory")).join());
        assertThat(mallory.last("presence").get("status").asText()).isEqualTo("offline");
        assertThat(mallory.last("presence").has("devices")).isFalse();
        mallory.clear();
        alice.clear();
        h.connect("bob", "mobile");
        assertThat(mallory.received).isEmpty();
        assertThat(alice.last("presence").get("devices")).hasSize(2);
    }

    @Test
    void lastSeenFollowsItsOwnVisibilityAndPrecision() {
        h.settingsStore.setPrivacy("bob", Visibility.EVERYONE, Visibility.CONTACTS, LastSeenPrecision.APPROXIMATE).join();
        h.settingsStore.setContacts("bob", List.of("alice")).join();
        RecordingConnection alice = watcher("alice", "bob");
        RecordingConnection eve = watcher("eve", "bob");
        RecordingConnection bob = h.connect("bob", "web");
        h.closeConnection(bob);
        h.run(Duration.ofSeconds(6), Duration.ofMillis(500));
        assertThat(alice.last("presence").get("last_seen").asText()).isEqualTo("recently");
        assertThat(eve.last("presence").get("status").asText()).isEqualTo("offline");
        assertThat(eve.last("presence").has("last_seen")).isFalse();
    }

    @Test
    void aSettingsChangeForAUserThePresenceStoreForgotKeepsTheirDurableState() {
        // as after a restart: bob is invisible in the settings store only
        h.settingsStore.setManual("bob", io.beacon.presence.ManualStatus.INVISIBLE).join();
        h.settingsStore.setLastSeen("bob", h.ticker.millis() - 10_000).join();
        settings("bob", () -> h.settingsStore.setContacts("bob", List.of("alice")).join());
        RecordingConnection alice = watcher("alice", "bob");
        h.connect("bob", "web");
        JsonNode seen = alice.last("presence_snapshot").get("presences").get(0);
        assertThat(seen.get("status").asText()).isEqualTo("offline");
        assertThat(seen.get("last_seen").asLong()).isEqualTo(h.ticker.millis() - 10_000);
        assertThat(alice.ofType("presence")).as("bob stays invisible when he connects").isEmpty();
    }

    @Test
    void aResumedWatcherGetsAPlainOfflineNotVersionZeroForAUserItLostWhileAway() {
        h.settingsStore.setContacts("bob", List.of("alice")).join();
        RecordingConnection alice = watcher("alice", "bob");
        h.healthy(h.connect("bob", "web"));
        long held = alice.last("presence").get("version").asLong();
        String token = alice.last("welcome").get("resume_token").asText();
        h.closeConnection(alice);
        settings("bob", () -> h.settingsStore.setContacts("bob", List.of()).join());
        RecordingConnection again = h.connect("alice", "web", token);
        JsonNode entry = again.last("presence_snapshot").get("presences").get(0);
        assertThat(entry.get("status").asText()).isEqualTo("offline");
        assertThat(entry.get("version").asLong()).isGreaterThan(held);
        assertThat(entry.size()).isEqualTo(3);
    }

    @Test
    void aUserAlwaysSeesThemself() {
        h.settingsStore.setPrivacy("bob", Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT).join();
        RecordingConnection bob = h.connect("bob", "web");
        h.send(bob, "{\"type\":\"query\",\"user_ids\":[\"bob\"]}");
        assertThat(bob.last("presence_snapshot").get("presences").get(0).get("status").asText()).isEqualTo("online");
    }

    @Test
    void backendDisconnectEndsEverySessionAtOnceWithoutGrace() {
        h.settingsStore.setPrivacy("bob", Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT).join();
        RecordingConnection alice = watcher("alice", "bob");
        RecordingConnection web = h.connect("bob", "web");
        RecordingConnection mobile = h.connect("bob", "mobile");
        String token = web.last("welcome").get("resume_token").asText();
        h.engine.disconnectUser("bob");
        assertThat(web.closeCode).isEqualTo(Connection.CLOSE_DISCONNECTED_BY_SERVER);
        assertThat(mobile.closeCode).isEqualTo(Connection.CLOSE_DISCONNECTED_BY_SERVER);
        assertThat(alice.last("presence").get("status").asText()).isEqualTo("offline");
        RecordingConnection again = h.connect("bob", "web", token);
        assertThat(again.last("welcome").get("session_id").asText()).as("no resume after a disconnect")
                .isNotEqualTo(web.last("welcome").get("session_id").asText());
    }
}
