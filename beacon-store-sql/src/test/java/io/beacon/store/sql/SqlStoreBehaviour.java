package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import org.awaitility.Awaitility;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.UserSettings;
import io.beacon.settings.Visibility;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link SqlSettingsStore} promises beyond the {@code SettingsStore} contract — write-behind of last
 * seen, caching and invalidation, migrations, per-user write order, closing — run on each database by a
 * subclass that says how to open a store and how to reach the same database directly.
 */
abstract class SqlStoreBehaviour {
    /** Options with a flush interval long enough that only {@code flushLastSeen()}/{@code close()} flush. */
    static final SqlSettingsStore.Options NO_TIMED_FLUSH =
            SqlSettingsStore.Options.DEFAULTS.withLastSeenFlushInterval(Duration.ofHours(1));

    private final String prefix = "b-" + UUID.randomUUID() + "-";
    private final List<SqlSettingsStore> opened = new ArrayList<>();

    /** Opens a store on this class's database. */
    protected abstract SqlSettingsStore openStore(SqlSettingsStore.Options options);

    /** A plain JDBC connection (auto-commit) to the same database. */
    protected abstract Connection connect() throws SQLException;

    protected SqlSettingsStore open(SqlSettingsStore.Options options) {
        SqlSettingsStore s = openStore(options);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(SqlSettingsStore::close);
    }

    protected String user(String name) {
        return prefix + name;
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("store future failed or timed out", e);
        }
    }

    /** last_seen of the user's row, straight from the database; -1 when there is no row. */
    protected long lastSeenInDatabase(String userId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT last_seen FROM beacon_user_settings WHERE user_id = ?")) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    protected void execute(String sql, String... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ last seen write-behind

    @Test
    void pendingLastSeenIsVisibleAtOnceAndFlushedWithinAboutASecond() {
        SqlSettingsStore store = open(SqlSettingsStore.Options.DEFAULTS);
        String u = user("alice");

        CompletableFuture<Void> ack = store.setLastSeen(u, 1_700_000_000_000L);

        assertThat(ack).isCompleted();
        assertThat(await(store.get(u)).lastSeen()).isEqualTo(1_700_000_000_000L);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> lastSeenInDatabase(u) == 1_700_000_000_000L);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.pendingLastSeenCount() == 0);
        assertThat(await(store.get(u)).lastSeen()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void lastSeenIsOnlyBufferedUntilAFlushOrClose() throws SQLException {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String alice = user("alice");
        String bob = user("bob");

        await(store.setLastSeen(alice, 5_000));
        await(store.setLastSeen(alice, 4_000)); // the pending map keeps the maximum
        assertThat(store.pendingLastSeenCount()).isEqualTo(1);
        assertThat(lastSeenInDatabase(alice)).isEqualTo(-1);
        assertThat(await(store.get(alice)).lastSeen()).isEqualTo(5_000);

        await(store.flushLastSeen());
        assertThat(store.pendingLastSeenCount()).isZero();
        assertThat(lastSeenInDatabase(alice)).isEqualTo(5_000);
        assertThat(await(store.get(alice)).lastSeen()).isEqualTo(5_000);

        await(store.setLastSeen(bob, 7_000));
        store.close();
        assertThat(lastSeenInDatabase(bob)).isEqualTo(7_000);
    }

    @Test
    void lastSeenOnlyMovesForwardInSqlToo() throws SQLException {
        String u = user("alice");
        SqlSettingsStore first = open(NO_TIMED_FLUSH);
        await(first.setLastSeen(u, 2_000));
        first.close();

        SqlSettingsStore second = open(NO_TIMED_FLUSH); // knows nothing of 2000 in memory
        await(second.setLastSeen(u, 1_000));
        assertThat(await(second.get(u)).lastSeen()).isEqualTo(2_000);
        await(second.flushLastSeen());
        assertThat(lastSeenInDatabase(u)).isEqualTo(2_000);

        await(second.setLastSeen(u, 3_000));
        await(second.setLastSeen(u, 0));
        await(second.setLastSeen(u, -5));
        await(second.flushLastSeen());
        assertThat(lastSeenInDatabase(u)).isEqualTo(3_000);
        assertThat(await(second.get(u)).lastSeen()).isEqualTo(3_000);
    }

    @Test
    void lastSeenFlushKeepsTheOtherColumns() throws SQLException {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("alice");
        CustomStatus cs = new CustomStatus("away", "🌴", 0);
        await(store.setManual(u, ManualStatus.BUSY));
        await(store.setCustomStatus(u, cs));

        await(store.setLastSeen(u, 9_000));
        await(store.flushLastSeen());
        store.invalidate(u);

        assertThat(await(store.get(u))).isEqualTo(UserSettings.DEFAULTS.withManual(ManualStatus.BUSY)
                .withCustomStatus(cs).withLastSeen(9_000));
        assertThat(lastSeenInDatabase(u)).isEqualTo(9_000);
    }

    @Test
    void manyPendingValuesAreFlushedInOneGo() throws SQLException {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        int n = 1_234; // more than one JDBC batch chunk
        for (int i = 0; i < n; i++) {
            await(store.setLastSeen(user("many-" + i), 1_000L + i));
        }
        assertThat(store.pendingLastSeenCount()).isEqualTo(n);

        await(store.flushLastSeen());

        assertThat(store.pendingLastSeenCount()).isZero();
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*), SUM(last_seen) FROM beacon_user_settings WHERE user_id LIKE ?")) {
            ps.setString(1, prefix + "many-%");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(n);
                assertThat(rs.getLong(2)).isEqualTo(IntStream.range(0, n).mapToLong(i -> 1_000L + i).sum());
            }
        }
    }

    // ------------------------------------------------------------------ caches

    @Test
    void readsComeFromTheCacheUntilInvalidated() throws SQLException {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("alice");
        String bob = user("bob");
        await(store.setManual(u, ManualStatus.BUSY));
        await(store.setContacts(u, List.of(bob)));
        assertThat(await(store.get(u)).manual()).isEqualTo(ManualStatus.BUSY);
        assertThat(await(store.contacts(u))).containsExactly(bob);
        assertThat(await(store.blocks(u))).isEmpty();

        // changed behind the store's back (as another node would)
        execute("UPDATE beacon_user_settings SET manual_status = 'away' WHERE user_id = ?", u);
        execute("DELETE FROM beacon_contacts WHERE user_id = ?", u);
        execute("INSERT INTO beacon_blocks (user_id, blocked_id) VALUES (?, ?)", u, user("mallory"));

        assertThat(await(store.get(u)).manual()).isEqualTo(ManualStatus.BUSY);
        assertThat(await(store.contacts(u))).containsExactly(bob);
        assertThat(await(store.blocks(u))).isEmpty();

        store.invalidate(u);

        assertThat(await(store.get(u)).manual()).isEqualTo(ManualStatus.AWAY);
        assertThat(await(store.contacts(u))).isEmpty();
        assertThat(await(store.blocks(u))).containsExactly(user("mallory"));
    }

    @Test
    void aWriteInvalidatesOnlyTheWritingStoresCacheAndInvalidateCatchesUp() {
        SqlSettingsStore a = open(NO_TIMED_FLUSH);
        SqlSettingsStore b = open(NO_TIMED_FLUSH);
        String u = user("alice");
        assertThat(await(b.get(u))).isEqualTo(UserSettings.DEFAULTS); // b caches the defaults
        assertThat(await(b.blocks(u))).isEmpty();

        await(a.setManual(u, ManualStatus.INVISIBLE));
        await(a.patchBlocks(u, List.of(user("mallory")), List.of()));
        assertThat(await(a.get(u)).manual()).isEqualTo(ManualStatus.INVISIBLE);
        assertThat(await(b.get(u))).isEqualTo(UserSettings.DEFAULTS);
        assertThat(await(b.blocks(u))).isEmpty();

        b.invalidate(u);
        assertThat(await(b.get(u)).manual()).isEqualTo(ManualStatus.INVISIBLE);
        assertThat(await(b.blocks(u))).containsExactly(user("mallory"));

        // b's own write refreshes b's view, including a's earlier change of the same row
        await(a.setCustomStatus(u, new CustomStatus("from a", null, 0)));
        await(b.setPrivacy(u, Visibility.EVERYONE, null, LastSeenPrecision.APPROXIMATE));
        UserSettings seen = await(b.get(u));
        assertThat(seen.visibility()).isEqualTo(Visibility.EVERYONE);
        assertThat(seen.customStatus()).isEqualTo(new CustomStatus("from a", null, 0));

        await(a.setManual(u, ManualStatus.AWAY));
        b.invalidateAll();
        assertThat(await(b.get(u)).manual()).isEqualTo(ManualStatus.AWAY);
    }

    @Test
    void cachedSetsCannotBeModifiedByCallers() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("alice");
        await(store.setContacts(u, List.of(user("bob"))));
        Set<String> contacts = await(store.contacts(u));

        assertThatThrownBy(() -> contacts.add(user("eve"))).isInstanceOf(UnsupportedOperationException.class);
        store.contacts(u).complete(Set.of(user("eve"))); // completing our copy must not poison the cache
        assertThat(await(store.contacts(u))).containsExactly(user("bob"));
    }

    // ------------------------------------------------------------------ writes

    @Test
    void oneUsersWritesCommitInTheOrderTheyWereIssued() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("alice");
        ManualStatus[] cycle = {ManualStatus.BUSY, ManualStatus.AWAY, ManualStatus.INVISIBLE, ManualStatus.AUTO};
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            acks.add(store.setManual(u, cycle[i % cycle.length]));
            acks.add(store.patchContacts(u, List.of("c" + i), List.of("c" + (i - 1))));
        }
        await(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));

        assertThat(await(store.get(u)).manual()).isEqualTo(cycle[200 % cycle.length]);
        assertThat(await(store.contacts(u))).containsExactly("c200");
    }

    @Test
    void concurrentWritersOfManyUsersAllLand() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String u = user("many-" + i);
            acks.add(store.setPrivacy(u, Visibility.NOBODY, Visibility.EVERYONE, LastSeenPrecision.APPROXIMATE));
            acks.add(store.setBlocks(u, List.of(user("x"), user("y"))));
        }
        await(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
        for (int i = 0; i < 100; i++) {
            String u = user("many-" + i);
            assertThat(await(store.get(u)).visibility()).isEqualTo(Visibility.NOBODY);
            assertThat(await(store.blocks(u))).containsExactlyInAnyOrder(user("x"), user("y"));
        }
    }

    @Test
    void largeSetsRoundTrip() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("popular");
        List<String> ids = IntStream.range(0, 1_500).mapToObj(i -> user("friend-" + i)).toList();

        await(store.setContacts(u, ids));
        store.invalidate(u);
        assertThat(await(store.contacts(u))).hasSize(1_500).containsAll(ids);

        await(store.patchContacts(u, List.of(), ids.subList(0, 1_000)));
        store.invalidate(u);
        assertThat(await(store.contacts(u))).isEqualTo(Set.copyOf(ids.subList(1_000, 1_500)));
    }

    @Test
    void anIdBothAddedAndRemovedInOnePatchEndsUpRemoved() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        String u = user("alice");
        await(store.patchContacts(u, List.of(user("bob"), user("carol")), List.of(user("bob"))));
        assertThat(await(store.contacts(u))).containsExactly(user("carol"));
    }

    @Test
    void nullArgumentsAreRejectedOnTheCallersThread() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        assertThatThrownBy(() -> store.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.setManual(user("a"), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.setContacts(user("a"), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.setPrivacy(user("a"), null, null, null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------ migrations, reopening, closing

    @Test
    void migrationsAreAppliedOnceAndReopeningIsIdempotent() throws SQLException {
        String u = user("alice");
        SqlSettingsStore first = open(NO_TIMED_FLUSH);
        await(first.setManual(u, ManualStatus.AWAY));
        await(first.setBlocks(u, List.of(user("mallory"))));
        first.close();

        for (int i = 0; i < 2; i++) {
            SqlSettingsStore again = open(NO_TIMED_FLUSH);
            assertThat(await(again.get(u)).manual()).isEqualTo(ManualStatus.AWAY);
            assertThat(await(again.blocks(u))).containsExactly(user("mallory"));
            again.close();
        }

        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("SELECT version, success FROM " + SqlSettingsStore.SCHEMA_HISTORY_TABLE
                     + " WHERE version IS NOT NULL ORDER BY installed_rank");
             ResultSet rs = ps.executeQuery()) {
            List<String> applied = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getBoolean(2)).as("migration %s succeeded", rs.getString(1)).isTrue();
                applied.add(rs.getString(1));
            }
            assertThat(applied).containsExactly("1");
        }
    }

    @Test
    void aClosedStoreFailsEveryCallAndCloseIsIdempotent() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        store.close();
        store.close();
        String u = user("alice");

        for (CompletableFuture<?> f : List.<CompletableFuture<?>>of(store.get(u), store.contacts(u), store.blocks(u),
                store.setManual(u, ManualStatus.BUSY), store.setLastSeen(u, 1), store.setBlocks(u, List.of()),
                store.flushLastSeen())) {
            assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeLetsQueuedWritesCommit() {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        List<String> users = IntStream.range(0, 50).mapToObj(i -> user("q-" + i)).collect(Collectors.toList());
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (String u : users) {
            acks.add(store.setManual(u, ManualStatus.BUSY));
        }
        store.close();
        assertThat(acks).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());

        SqlSettingsStore again = open(NO_TIMED_FLUSH);
        for (String u : users) {
            assertThat(await(again.get(u)).manual()).isEqualTo(ManualStatus.BUSY);
        }
    }
}
