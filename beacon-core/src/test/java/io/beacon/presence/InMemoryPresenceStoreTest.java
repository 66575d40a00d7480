package io.beacon.presence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link InMemoryPresenceStore} against the {@link PresenceStoreContract}. */
class InMemoryPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected PresenceStore newStore() {
        return new InMemoryPresenceStore();
    }

    @Test
    void futuresAreCompleteOnReturn() {
        String u = user("alice");

        assertThat(store.update(u, put(active("s1", Device.WEB)), NOW)).isDone();
        assertThat(store.get(u)).isDone();
        assertThat(store.getAll(java.util.List.of(u))).isDone();
        assertThat(store.sessions(u)).isDone();
    }

    @Test
    void aNewStoreForgetsEverything() {
        String u = user("alice");
        apply(u, put(active("s1", Device.WEB)), NOW);

        PresenceStore other = new InMemoryPresenceStore();

        assertThat(await(other.get(u))).isEqualTo(Presence.unknown(u));
        assertThat(await(other.sessions(u))).isEmpty();
    }
}
