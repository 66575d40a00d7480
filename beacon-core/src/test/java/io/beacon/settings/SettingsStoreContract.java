package io.beacon.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SettingsStore} promises (its Javadoc and contract §3), as one suite that
 * each implementation's test (in memory, SQLite, PostgreSQL) extends with {@link #newStore()}.
 *
 * <p>Implementation-neutral: only the interface is used, every future is awaited with a timeout, and
 * user ids are unique to each test so that a store on a shared database needs no cleanup.
 */
public abstract class SettingsStoreContract extends io.beacon.testing.StoreContract<SettingsStore> {

    /** How long a test waits for one future of the store. */

    private UserSettings settings(String userId) {
        UserSettings s = await(store.get(userId));
        assertThat(s).as("get() never returns null").isNotNull();
        return s;
    }

    private Set<String> contacts(String userId) {
        return await(store.contacts(userId));
    }

    private Set<String> blocks(String userId) {
        return await(store.blocks(userId));
    }

    // ------------------------------------------------------------------ defaults

    @Test
    public void anUnknownUserHasTheDefaults() {
        String u = user("nobody");

        assertThat(settings(u)).isEqualTo(UserSettings.DEFAULTS);
        assertThat(contacts(u)).isEmpty();
        assertThat(blocks(u)).isEmpty();
    }

    @Test
    public void theDefaultsAreAutoExactServerDefaultVisibilityAndNeverSeen() {
        UserSettings s = settings(user("nobody"));

        assertThat(s.manual()).isEqualTo(ManualStatus.AUTO);
        assertThat(s.customStatus()).isNull();
        assertThat(s.visibility()).isNull();
        assertThat(s.lastSeenVisibility()).isNull();
        assertThat(s.lastSeenPrecision()).isEqualTo(LastSeenPrecision.EXACT);
        assertThat(s.lastSeen()).isZero();
    }

    // ------------------------------------------------------------------ settings round trips

    @Test
    public void manualStatusRoundTrips() {
        String u = user("alice");
        for (ManualStatus m : List.of(ManualStatus.BUSY, ManualStatus.AWAY, ManualStatus.INVISIBLE, ManualStatus.AUTO)) {
            await(store.setManual(u, m));
            assertThat(settings(u).manual()).isEqualTo(m);
        }
        assertThat(settings(u)).isEqualTo(UserSettings.DEFAULTS);
    }

    @Test
    public void customStatusIsSetReplacedAndCleared() {
        String u = user("alice");
        CustomStatus full = new CustomStatus("On holiday until Monday", "🌴", 1_700_000_123_456L);
        CustomStatus minimal = new CustomStatus("lunch", null, 0);

        await(store.setCustomStatus(u, full));
        assertThat(settings(u).customStatus()).isEqualTo(full);

        await(store.setCustomStatus(u, minimal));
        assertThat(settings(u).customStatus()).isEqualTo(minimal);

        await(store.setCustomStatus(u, null));
        assertThat(settings(u).customStatus()).isNull();
        assertThat(settings(u)).isEqualTo(UserSettings.DEFAULTS);
    }

    @Test
    public void customStatusAtItsLimitsRoundTrips() {
        String u = user("alice");
        CustomStatus max = new CustomStatus("é".repeat(CustomStatus.MAX_TEXT), "😀".repeat(CustomStatus.MAX_EMOJI / 2), Long.MAX_VALUE);

        await(store.setCustomStatus(u, max));

        assertThat(settings(u).customStatus()).isEqualTo(max);
    }

    @Test
    public void clearingAnAbsentCustomStatusIsFine() {
        String u = user("alice");

        await(store.setCustomStatus(u, null));

        assertThat(settings(u).customStatus()).isNull();
    }

    @Test
    public void privacyRoundTrips() {
        String u = user("alice");

        await(store.setPrivacy(u, Visibility.EVERYONE, Visibility.NOBODY, LastSeenPrecision.APPROXIMATE));
        UserSettings s = settings(u);
        assertThat(s.visibility()).isEqualTo(Visibility.EVERYONE);
        assertThat(s.lastSeenVisibility()).isEqualTo(Visibility.NOBODY);
        assertThat(s.lastSeenPrecision()).isEqualTo(LastSeenPrecision.APPROXIMATE);

        await(store.setPrivacy(u, Visibility.CONTACTS, Visibility.CONTACTS, LastSeenPrecision.EXACT));
        s = settings(u);
        assertThat(s.visibility()).isEqualTo(Visibility.CONTACTS);
        assertThat(s.lastSeenVisibility()).isEqualTo(Visibility.CONTACTS);
        assertThat(s.lastSeenPrecision()).isEqualTo(LastSeenPrecision.EXACT);

        await(store.setPrivacy(u, Visibility.NOBODY, Visibility.EVERYONE, LastSeenPrecision.EXACT));
        assertThat(settings(u).visibility()).isEqualTo(Visibility.NOBODY);
        assertThat(settings(u).lastSeenVisibility()).isEqualTo(Visibility.EVERYONE);
    }

    @Test
    public void nullVisibilitiesGoBackToTheServerDefault() {
        String u = user("alice");
        await(store.setPrivacy(u, Visibility.EVERYONE, Visibility.EVERYONE, LastSeenPrecision.APPROXIMATE));

        await(store.setPrivacy(u, null, null, LastSeenPrecision.EXACT));

        assertThat(settings(u)).isEqualTo(UserSettings.DEFAULTS);
    }

    @Test
    public void eachSetterKeepsTheOtherFields() {
        String u = user("alice");
        CustomStatus cs = new CustomStatus("focus time", "🎧", 0);

        await(store.setManual(u, ManualStatus.BUSY));
        await(store.setCustomStatus(u, cs));
        await(store.setPrivacy(u, Visibility.EVERYONE, Visibility.CONTACTS, LastSeenPrecision.APPROXIMATE));
        await(store.setLastSeen(u, 1_700_000_000_000L));
        await(store.setContacts(u, List.of(user("bob"))));
        await(store.setBlocks(u, List.of(user("mallory"))));

        assertThat(settings(u)).isEqualTo(new UserSettings(Visibility.EVERYONE, Visibility.CONTACTS,
                LastSeenPrecision.APPROXIMATE, ManualStatus.BUSY, cs, 1_700_000_000_000L));

        await(store.setManual(u, ManualStatus.AWAY));
        await(store.setPrivacy(u, Visibility.NOBODY, null, LastSeenPrecision.EXACT));
        assertThat(settings(u)).isEqualTo(new UserSettings(Visibility.NOBODY, null,
                LastSeenPrecision.EXACT, ManualStatus.AWAY, cs, 1_700_000_000_000L));
        assertThat(contacts(u)).containsExactly(user("bob"));
        assertThat(blocks(u)).containsExactly(user("mallory"));
    }

    // ------------------------------------------------------------------ last seen

    @Test
    public void lastSeenOnlyMovesForward() {
        String u = user("alice");

        await(store.setLastSeen(u, 1_000));
        assertThat(settings(u).lastSeen()).isEqualTo(1_000);

        await(store.setLastSeen(u, 500));
        assertThat(settings(u).lastSeen()).isEqualTo(1_000);

        await(store.setLastSeen(u, 1_000));
        assertThat(settings(u).lastSeen()).isEqualTo(1_000);

        await(store.setLastSeen(u, 1_700_000_000_000L));
        assertThat(settings(u).lastSeen()).isEqualTo(1_700_000_000_000L);

        await(store.setLastSeen(u, 0));
        assertThat(settings(u).lastSeen()).isEqualTo(1_700_000_000_000L);
    }

    // ------------------------------------------------------------------ contacts

    @Test
    public void setContactsReplacesTheSet() {
        String u = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        String dave = user("dave");

        await(store.setContacts(u, List.of(bob, carol)));
        assertThat(contacts(u)).containsExactlyInAnyOrder(bob, carol);

        await(store.setContacts(u, List.of(dave)));
        assertThat(contacts(u)).containsExactly(dave);

        await(store.setContacts(u, List.of()));
        assertThat(contacts(u)).isEmpty();
    }

    @Test
    public void setContactsCollapsesDuplicates() {
        String u = user("alice");
        String bob = user("bob");

        await(store.setContacts(u, List.of(bob, bob, bob)));

        assertThat(contacts(u)).containsExactly(bob);
    }

    @Test
    public void patchContactsAddsAndRemoves() {
        String u = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        String dave = user("dave");

        await(store.patchContacts(u, List.of(bob, carol), List.of()));
        assertThat(contacts(u)).containsExactlyInAnyOrder(bob, carol);

        await(store.patchContacts(u, List.of(dave), List.of(bob)));
        assertThat(contacts(u)).containsExactlyInAnyOrder(carol, dave);

        await(store.patchContacts(u, List.of(), List.of(carol, dave)));
        assertThat(contacts(u)).isEmpty();
    }

    @Test
    public void addingAContactTwiceKeepsOne() {
        String u = user("alice");
        String bob = user("bob");

        await(store.patchContacts(u, List.of(bob), List.of()));
        await(store.patchContacts(u, List.of(bob, bob), List.of()));

        assertThat(contacts(u)).containsExactly(bob);
    }

    @Test
    public void removingAnAbsentContactIsFine() {
        String u = user("alice");
        String bob = user("bob");

        await(store.patchContacts(u, List.of(), List.of(bob)));
        assertThat(contacts(u)).isEmpty();

        await(store.patchContacts(u, List.of(bob), List.of(user("never-there"))));
        assertThat(contacts(u)).containsExactly(bob);
    }

    @Test
    public void aUserIsNeverTheirOwnContact() {
        String u = user("alice");
        String bob = user("bob");

        await(store.setContacts(u, List.of(u, bob)));
        assertThat(contacts(u)).containsExactly(bob);

        await(store.patchContacts(u, List.of(u), List.of()));
        assertThat(contacts(u)).containsExactly(bob);
    }

    @Test
    public void contactsAreDirected() {
        String u = user("alice");
        String bob = user("bob");

        await(store.setContacts(u, List.of(bob)));

        assertThat(contacts(bob)).isEmpty();
    }

    // ------------------------------------------------------------------ blocks

    @Test
    public void setBlocksReplacesTheSet() {
        String u = user("alice");
        String bob = user("bob");
        String carol = user("carol");

        await(store.setBlocks(u, List.of(bob, carol)));
        assertThat(blocks(u)).containsExactlyInAnyOrder(bob, carol);

        await(store.setBlocks(u, List.of(carol)));
        assertThat(blocks(u)).containsExactly(carol);

        await(store.setBlocks(u, List.of()));
        assertThat(blocks(u)).isEmpty();
    }

    @Test
    public void patchBlocksAddsAndRemovesIdempotently() {
        String u = user("alice");
        String bob = user("bob");
        String carol = user("carol");

        await(store.patchBlocks(u, List.of(bob), List.of()));
        await(store.patchBlocks(u, List.of(bob, carol), List.of()));
        assertThat(blocks(u)).containsExactlyInAnyOrder(bob, carol);

        await(store.patchBlocks(u, List.of(), List.of(bob, user("absent"))));
        assertThat(blocks(u)).containsExactly(carol);

        await(store.patchBlocks(u, List.of(), List.of(bob)));
        assertThat(blocks(u)).containsExactly(carol);
    }

    @Test
    public void aUserNeverBlocksThemselves() {
        String u = user("alice");
        String bob = user("bob");

        await(store.setBlocks(u, List.of(u, bob)));
        assertThat(blocks(u)).containsExactly(bob);

        await(store.patchBlocks(u, List.of(u), List.of()));
        assertThat(blocks(u)).containsExactly(bob);
    }

    @Test
    public void contactsAndBlocksAreSeparateSets() {
        String u = user("alice");
        String bob = user("bob");
        String mallory = user("mallory");

        await(store.setContacts(u, List.of(bob)));
        await(store.setBlocks(u, List.of(mallory)));
        assertThat(contacts(u)).containsExactly(bob);
        assertThat(blocks(u)).containsExactly(mallory);

        await(store.patchBlocks(u, List.of(bob), List.of()));
        await(store.setContacts(u, List.of()));
        assertThat(contacts(u)).isEmpty();
        assertThat(blocks(u)).containsExactlyInAnyOrder(bob, mallory);
    }

    // ------------------------------------------------------------------ visibility of writes, independence

    @Test
    public void aCompletedWriteIsSeenByTheNextReader() {
        String u = user("alice");
        String bob = user("bob");
        for (int i = 1; i <= 50; i++) {
            await(store.setLastSeen(u, i * 1_000L));
            assertThat(settings(u).lastSeen()).isEqualTo(i * 1_000L);

            ManualStatus m = ManualStatus.values()[i % ManualStatus.values().length];
            await(store.setManual(u, m));
            assertThat(settings(u).manual()).isEqualTo(m);

            if (i % 2 == 0) {
                await(store.patchContacts(u, List.of(bob), List.of()));
                assertThat(contacts(u)).containsExactly(bob);
            } else {
                await(store.patchContacts(u, List.of(), List.of(bob)));
                assertThat(contacts(u)).isEmpty();
            }
        }
    }

    @Test
    public void aCompletedWriteIsSeenFromAnotherThread() throws Exception {
        String u = user("alice");
        await(store.setManual(u, ManualStatus.BUSY));
        await(store.setBlocks(u, List.of(user("mallory"))));

        CompletableFuture<UserSettings> seen = CompletableFuture.supplyAsync(() -> await(store.get(u)));
        CompletableFuture<Set<String>> blocked = CompletableFuture.supplyAsync(() -> await(store.blocks(u)));

        assertThat(seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).manual()).isEqualTo(ManualStatus.BUSY);
        assertThat(blocked.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).containsExactly(user("mallory"));
    }

    @Test
    public void usersAreIndependent() {
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");

        await(store.setManual(alice, ManualStatus.BUSY));
        await(store.setCustomStatus(alice, new CustomStatus("busy", null, 0)));
        await(store.setPrivacy(alice, Visibility.NOBODY, Visibility.NOBODY, LastSeenPrecision.APPROXIMATE));
        await(store.setLastSeen(alice, 42));
        await(store.setContacts(alice, List.of(carol)));
        await(store.setBlocks(alice, List.of(carol)));

        assertThat(settings(bob)).isEqualTo(UserSettings.DEFAULTS);
        assertThat(contacts(bob)).isEmpty();
        assertThat(blocks(bob)).isEmpty();

        await(store.setManual(bob, ManualStatus.AWAY));
        await(store.setContacts(bob, List.of(alice)));
        assertThat(settings(alice).manual()).isEqualTo(ManualStatus.BUSY);
        assertThat(contacts(alice)).containsExactly(carol);
    }
}
