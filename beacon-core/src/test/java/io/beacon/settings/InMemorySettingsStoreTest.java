package io.beacon.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.presence.ManualStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InMemorySettingsStore} against the {@link SettingsStoreContract}. */
class InMemorySettingsStoreTest extends SettingsStoreContract {

    @Override
    protected SettingsStore newStore() {
        return new InMemorySettingsStore();
    }

    @Test
    void futuresAreCompleteOnReturn() {
        String u = user("alice");

        assertThat(store.setManual(u, ManualStatus.BUSY)).isDone();
        assertThat(store.setContacts(u, List.of(user("bob")))).isDone();
        assertThat(store.patchBlocks(u, List.of(user("bob")), List.of())).isDone();
        assertThat(store.get(u)).isDone();
        assertThat(store.contacts(u)).isDone();
        assertThat(store.blocks(u)).isDone();
    }

    @Test
    void returnedSetsAreSnapshotsUnaffectedByLaterWrites() {
        String u = user("alice");
        await(store.setContacts(u, List.of(user("bob"))));
        var before = await(store.contacts(u));

        await(store.patchContacts(u, List.of(user("carol")), List.of()));

        assertThat(before).containsExactly(user("bob"));
    }
}
