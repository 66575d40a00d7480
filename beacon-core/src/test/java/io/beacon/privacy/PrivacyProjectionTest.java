package io.beacon.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.presence.Device;
import io.beacon.presence.DeviceStatus;
import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.Visibility;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table of contract §3, case by case. */
class PrivacyProjectionTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 24L * 3600 * 1000;
    private final InMemorySettingsStore store = new InMemorySettingsStore();
    private final PrivacyProjection projection = new PrivacyProjection(store, Visibility.CONTACTS, () -> NOW);

    private static Presence away(long lastSeen) {
        return new Presence("t", Status.AWAY, "focus", null, lastSeen, null, List.of(new DeviceStatus(Device.WEB, Status.AWAY)), 7, false);
    }

    private static PrivacyRules rules(Visibility v, Visibility ls, LastSeenPrecision p, Set<String> contacts, Set<String> blocks) {
        return new PrivacyRules(v, ls, p, contacts, blocks);
    }

    @Test
    void defaultVisibilityIsTheServerDefault() {
        PrivacyRules r = projection.rules("t").join();
        assertThat(r.visibility()).isEqualTo(Visibility.CONTACTS);
        assertThat(r.lastSeenVisibility()).isEqualTo(Visibility.CONTACTS);
        assertThat(projection.project("stranger", away(NOW), r)).isEqualTo(Presence.unknown("t"));
        store.setContacts("t", List.of("friend")).join();
        assertThat(projection.project("friend", away(NOW), projection.rules("t").join()).status()).isEqualTo(Status.AWAY);
    }

    @Test
    void everyoneContactsNobody() {
        Presence p = away(NOW - 1000);
        PrivacyRules everyone = rules(Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT, Set.of(), Set.of());
        PrivacyRules contacts = rules(Visibility.CONTACTS, Visibility.CONTACTS, LastSeenPrecision.EXACT, Set.of("c"), Set.of());
        PrivacyRules nobody = rules(Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT, Set.of("c"), Set.of());
        assertThat(projection.project("x", p, everyone)).isSameAs(p);
        assertThat(projection.project("c", p, contacts)).isSameAs(p);
        assertThat(projection.project("x", p, contacts)).isEqualTo(Presence.unknown("t"));
        assertThat(projection.project("c", p, nobody)).isEqualTo(Presence.unknown("t"));
    }

    @Test
    void blocksWinOverEverything() {
        PrivacyRules r = rules(Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT, Set.of("b"), Set.of("b"));
        assertThat(projection.project("b", away(NOW), r)).isEqualTo(Presence.unknown("t"));
    }

    @Test
    void theHiddenViewIsExactlyAnUnknownUser() {
        PrivacyRules r = rules(Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT, Set.of(), Set.of());
        Presence hidden = projection.project("x", away(NOW), r);
        assertThat(hidden).isEqualTo(Presence.unknown("t"));
        assertThat(hidden.version()).isZero();
        assertThat(hidden.devices()).isEmpty();
        assertThat(hidden.lastSeen()).isZero();
    }

    @Test
    void lastSeenVisibilityAndPrecision() {
        PrivacyRules hideLastSeen = rules(Visibility.EVERYONE, Visibility.CONTACTS, LastSeenPrecision.EXACT, Set.of("c"), Set.of());
        assertThat(projection.project("x", away(NOW - 5), hideLastSeen).lastSeen()).isZero();
        assertThat(projection.project("c", away(NOW - 5), hideLastSeen).lastSeen()).isEqualTo(NOW - 5);
        PrivacyRules approx = rules(Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.APPROXIMATE, Set.of(), Set.of());
        Presence v = projection.project("x", away(NOW - 2 * DAY), approx);
        assertThat(v.lastSeen()).isZero();
        assertThat(v.lastSeenApprox()).isEqualTo("recently");
        assertThat(projection.project("x", away(NOW - 5 * DAY), approx).lastSeenApprox()).isEqualTo("within_week");
        assertThat(projection.project("x", away(NOW - 20 * DAY), approx).lastSeenApprox()).isEqualTo("within_month");
        assertThat(projection.project("x", away(NOW - 90 * DAY), approx).lastSeenApprox()).isEqualTo("long_ago");
    }

    @Test
    void selfAlwaysSeesTheTruthAndTheBackendThePublicView() {
        PrivacyRules nobody = rules(Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.EXACT, Set.of(), Set.of("t"));
        Presence invisible = new Presence("t", Status.ONLINE, null, null, 0, null, List.of(new DeviceStatus(Device.WEB, Status.ONLINE)), 3, true);
        assertThat(projection.project("t", invisible, nobody).status()).isEqualTo(Status.ONLINE);
        assertThat(projection.project(null, invisible, nobody).publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(projection.project(null, invisible, nobody).devices()).isEmpty();
    }

    @Test
    void anInvisibleUserIsOfflineToAllowedViewers() {
        PrivacyRules everyone = rules(Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.EXACT, Set.of(), Set.of());
        Presence invisible = new Presence("t", Status.ONLINE, "in_call", null, NOW - 10, null, List.of(new DeviceStatus(Device.WEB, Status.ONLINE)), 9, true, 4);
        Presence v = projection.project("x", invisible, everyone);
        assertThat(v.publicStatus()).isEqualTo(Status.OFFLINE);
        assertThat(v.activity()).isNull();
        assertThat(v.devices()).isEmpty();
        assertThat(v.version()).as("the public version").isEqualTo(4);
    }
}
