package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.presence.ManualStatus;
import io.beacon.presence.Presence;
import io.beacon.privacy.PrivacyProjection;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.Visibility;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random users, contacts, blocks, visibility and invisible settings, and random sequences of
 * connects, disconnects, status changes and setting changes. After every step, what every viewer
 * holds from its subscription, what a query answers and what the backend read with that viewer
 * returns all equal what contract §3 allows — and a viewer who may not see a target received
 * nothing about it since (beyond the one plain offline when access was lost).
 */
class PrivacyProperties {
    static final List<String> TARGETS = List.of("t0", "t1", "t2", "t3");
    static final List<String> VIEWERS = List.of("v0", "v1", "v2");
    static final List<String> EVERYONE = List.of("t0", "t1", "t2", "t3", "v0", "v1", "v2");

    /** One step of a scenario. */
    sealed interface Step {
    }

    record Connect(int target) implements Step {
    }

    record Disconnect(int target) implements Step {
    }

    record SetStatus(int target, ManualStatus status) implements Step {
    }

    record SetPrivacy(int target, Visibility visibility, Visibility lastSeen, LastSeenPrecision precision) implements Step {
    }

    record SetContacts(int target, Set<String> contacts) implements Step {
    }

    record SetBlocks(int target, Set<String> blocks) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Integer> target = Arbitraries.integers().between(0, TARGETS.size() - 1);
        Arbitrary<Set<String>> someUsers = Arbitraries.of(EVERYONE).set().ofMaxSize(4);
        Arbitrary<Visibility> vis = Arbitraries.of(Visibility.class);
        Arbitrary<Step> step = Arbitraries.oneOf(
                target.map(Connect::new),
                target.map(Disconnect::new),
                Combinators.combine(target, Arbitraries.of(ManualStatus.class)).as(SetStatus::new),
                Combinators.combine(target, vis, vis.injectNull(0.3), Arbitraries.of(LastSeenPrecision.class)).as(SetPrivacy::new),
                Combinators.combine(target, someUsers).as(SetContacts::new),
                Combinators.combine(target, someUsers).as(SetBlocks::new));
        return step.list().ofMinSize(1).ofMaxSize(25);
    }

    /** What the model knows of a target. */
    static final class Target {
        final String id;
        RecordingConnection conn;
        ManualStatus manual = ManualStatus.AUTO;
        Visibility visibility; // null = server default
        Visibility lastSeenVisibility;
        LastSeenPrecision precision = LastSeenPrecision.EXACT;
        Set<String> contacts = Set.of();
        Set<String> blocks = Set.of();
        boolean everSeen;
        /** Whether the user has a last seen: their public status left online, or their last session ended visibly. */
        boolean lastSeenKnown;

        boolean publiclyOnline() {
            return conn != null && manual == ManualStatus.AUTO;
        }

        Target(String id) {
            this.id = id;
        }
    }

    /** The expected view as the parts a test can compare without knowing times. */
    record View(String status, boolean hasDevices, String lastSeenKind) {
    }

    @Property(tries = 200)
    void everyViewerSeesExactlyWhatPrivacyAllows(@ForAll("scenarios") List<Step> steps) {
        EngineHarness h = new EngineHarness(EngineOptions.builder().nodeId("n").offlineGraceMs(1_000).build(),
                (store, ticker) -> new PrivacyProjection(store, Visibility.CONTACTS, ticker::millis));
        Map<String, Target> targets = new HashMap<>();
        for (String t : TARGETS) {
            targets.put(t, new Target(t));
        }
        Map<String, RecordingConnection> viewers = new HashMap<>();
        for (String v : VIEWERS) {
            RecordingConnection c = h.healthy(h.connect(v, "web"));
            h.send(c, "{\"type\":\"subscribe\",\"user_ids\":[\"t0\",\"t1\",\"t2\",\"t3\"]}");
            viewers.put(v, c);
        }
        Map<String, JsonNode> held = new HashMap<>(); // viewer|target -> newest presence received
        Map<String, Boolean> hiddenBefore = new HashMap<>();
        absorb(viewers, held, hiddenBefore, targets, true);

        for (Step step : steps) {
            apply(h, targets, step);
            h.run(Duration.ofMillis(1_200), Duration.ofMillis(100)); // past the offline grace
            absorb(viewers, held, hiddenBefore, targets, false);
            for (String v : VIEWERS) {
                for (String t : TARGETS) {
                    View expected = expected(targets.get(t), v);
                    String where = "after " + step + ": " + v + " on " + t;
                    JsonNode live = held.get(v + "|" + t);
                    assertThat(viewOf(live)).as("subscription, " + where).isEqualTo(expected);

                    h.send(viewers.get(v), "{\"type\":\"query\",\"id\":\"q\",\"user_ids\":[\"" + t + "\"]}");
                    JsonNode q = viewers.get(v).last("presence_snapshot").get("presences").get(0);
                    assertThat(viewOf(q)).as("query, " + where).isEqualTo(expected);
                    boolean hidden = hidden(targets.get(t), v);
                    if (hidden) {
                        assertThat(q.toString()).as("hidden is an unknown user, " + where)
                                .isEqualTo("{\"user_id\":\"" + t + "\",\"status\":\"offline\",\"version\":0}");
                    } else if (targets.get(t).everSeen) {
                        assertThat(q.get("version").asLong()).as("a seen user has a version, " + where).isPositive();
                    }
                    Presence read = h.engine.read(v, List.of(t)).join().get(0);
                    assertThat(read.publicStatus().wire()).as("backend read, " + where).isEqualTo(expected.status());
                    if (hidden) {
                        assertThat(read).as("backend read hidden, " + where).isEqualTo(Presence.unknown(t));
                    }
                }
                viewers.get(v).clear();
            }
        }
    }

    private static void apply(EngineHarness h, Map<String, Target> targets, Step step) {
        switch (step) {
            case Connect c -> {
                Target t = targets.get(TARGETS.get(c.target()));
                if (t.conn == null) {
                    t.conn = h.healthy(h.connect(t.id, "web"));
                    t.everSeen = true;
                }
            }
            case Disconnect d -> {
                Target t = targets.get(TARGETS.get(d.target()));
                if (t.conn != null) {
                    h.closeConnection(t.conn);
                    t.conn = null;
                    if (t.manual != ManualStatus.INVISIBLE) {
                        t.lastSeenKnown = true; // the last session ended visibly
                    }
                }
            }
            case SetStatus s -> {
                Target t = targets.get(TARGETS.get(s.target()));
                if (t.conn != null) {
                    boolean wasOnline = t.publiclyOnline();
                    h.send(t.conn, "{\"type\":\"set_status\",\"status\":\"" + s.status().wire() + "\"}");
                    t.manual = s.status();
                    if (wasOnline && !t.publiclyOnline()) {
                        t.lastSeenKnown = true; // left online with a session still open
                    }
                }
            }
            case SetPrivacy p -> {
                Target t = targets.get(TARGETS.get(p.target()));
                h.settingsStore.setPrivacy(t.id, p.visibility(), p.lastSeen(), p.precision()).join();
                h.engine.settingsChanged(t.id);
                t.visibility = p.visibility();
                t.lastSeenVisibility = p.lastSeen();
                t.precision = p.precision();
            }
            case SetContacts c -> {
                Target t = targets.get(TARGETS.get(c.target()));
                h.settingsStore.setContacts(t.id, c.contacts()).join();
                h.engine.settingsChanged(t.id);
                Set<String> s = new HashSet<>(c.contacts());
                s.remove(t.id);
                t.contacts = s;
            }
            case SetBlocks b -> {
                Target t = targets.get(TARGETS.get(b.target()));
                h.settingsStore.setBlocks(t.id, b.blocks()).join();
                h.engine.settingsChanged(t.id);
                Set<String> s = new HashSet<>(b.blocks());
                s.remove(t.id);
                t.blocks = s;
            }
        }
    }

    /** The oracle: contract §3 written as plainly as possible. */
    static View expected(Target t, String viewer) {
        Visibility vis = t.visibility != null ? t.visibility : Visibility.CONTACTS;
        boolean allowed = !t.blocks.contains(viewer)
                && (vis == Visibility.EVERYONE || vis == Visibility.CONTACTS && t.contacts.contains(viewer));
        if (!allowed) {
            return new View("offline", false, "none");
        }
        boolean online = t.conn != null && t.manual != ManualStatus.INVISIBLE;
        String status = !online ? "offline" : switch (t.manual) {
            case BUSY -> "busy";
            case AWAY -> "away";
            default -> "online";
        };
        Visibility lsVis = t.lastSeenVisibility != null ? t.lastSeenVisibility : vis;
        boolean lastSeenAllowed = lsVis == Visibility.EVERYONE || lsVis == Visibility.CONTACTS && t.contacts.contains(viewer);
        // last seen exists once the user left online at least once; it is shown unless the status is online
        String kind = "none";
        if (!status.equals("online") && lastSeenAllowed && t.lastSeenKnown) {
            kind = t.precision == LastSeenPrecision.APPROXIMATE ? "bucket" : "exact";
        }
        return new View(status, online, kind);
    }

    static boolean hidden(Target t, String viewer) {
        Visibility vis = t.visibility != null ? t.visibility : Visibility.CONTACTS;
        return t.blocks.contains(viewer) || !(vis == Visibility.EVERYONE || vis == Visibility.CONTACTS && t.contacts.contains(viewer));
    }

    /** Reads what arrived, keeps the newest per viewer and target, and checks the silence rule. */
    private static void absorb(Map<String, RecordingConnection> viewers, Map<String, JsonNode> held,
                               Map<String, Boolean> hiddenBefore, Map<String, Target> targets, boolean first) {
        for (Map.Entry<String, RecordingConnection> e : viewers.entrySet()) {
            String v = e.getKey();
            Map<String, Integer> count = new HashMap<>();
            for (JsonNode m : e.getValue().received) {
                List<JsonNode> items = new ArrayList<>();
                switch (m.path("type").asText()) {
                    case "presence" -> items.add(m);
                    case "presence_snapshot" -> {
                        if (m.has("id")) {
                            continue; // query answers are checked on their own
                        }
                        m.get("presences").forEach(items::add);
                    }
                    default -> {
                        continue;
                    }
                }
                for (JsonNode p : items) {
                    String key = v + "|" + p.get("user_id").asText();
                    JsonNode prev = held.get(key);
                    if (m.path("type").asText().equals("presence") && prev != null) {
                        assertThat(p.get("version").asLong()).as("versions grow for " + key).isGreaterThan(prev.get("version").asLong());
                    }
                    held.put(key, p);
                    count.merge(p.get("user_id").asText(), 1, Integer::sum);
                }
            }
            for (String t : TARGETS) {
                String key = v + "|" + t;
                boolean hiddenNow = hidden(targets.get(t), v);
                if (!first && Boolean.TRUE.equals(hiddenBefore.get(key)) && hiddenNow) {
                    assertThat(count.getOrDefault(t, 0)).as("nothing about " + t + " reaches " + v + " while hidden").isZero();
                }
                hiddenBefore.put(key, hiddenNow);
            }
            e.getValue().clear();
        }
    }

    static View viewOf(JsonNode p) {
        if (p == null) {
            return null;
        }
        String kind = !p.has("last_seen") ? "none" : p.get("last_seen").isNumber() ? "exact" : "bucket";
        return new View(p.get("status").asText(), p.has("devices"), kind);
    }
}
