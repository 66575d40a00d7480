package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.presence.ManualStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SqlStoreBehaviour} on an SQLite file, plus what is specific to the file. */
class SqliteStoreBehaviourTest extends SqlStoreBehaviour {
    @TempDir
    Path dataDir;

    @Override
    protected SqlSettingsStore openStore(SqlSettingsStore.Options options) {
        return SqlSettingsStore.sqlite(dataDir, options);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqlSettingsStore.DATABASE_FILE));
    }

    @Test
    void theFileIsBeaconDbUnderTheDataDirInWalMode() throws SQLException {
        SqlSettingsStore store = open(NO_TIMED_FLUSH);

        assertThat(store.dialect()).isEqualTo(SqlSettingsStore.Dialect.SQLITE);
        assertThat(dataDir.resolve("beacon.db")).isRegularFile();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void aMissingDataDirectoryIsCreated() {
        Path nested = dataDir.resolve("a/b/c");
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        store.close();

        SqlSettingsStore inNested = SqlSettingsStore.sqlite(nested, NO_TIMED_FLUSH);
        try {
            await(inNested.setManual(user("alice"), ManualStatus.BUSY));
        } finally {
            inNested.close();
        }
        assertThat(Files.isRegularFile(nested.resolve("beacon.db"))).isTrue();
    }

    @Test
    void openWithoutADatabaseUrlIsSqliteUnderTheDataDir() {
        SqlSettingsStore fromNull = SqlSettingsStore.open(dataDir, null, NO_TIMED_FLUSH);
        fromNull.close();
        SqlSettingsStore fromBlank = SqlSettingsStore.open(dataDir, "  ", NO_TIMED_FLUSH);
        fromBlank.close();

        assertThat(fromNull.dialect()).isEqualTo(SqlSettingsStore.Dialect.SQLITE);
        assertThat(fromBlank.dialect()).isEqualTo(SqlSettingsStore.Dialect.SQLITE);
    }
}
