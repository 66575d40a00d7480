package io.beacon.store.sql;

import io.beacon.settings.SettingsStore;
import io.beacon.settings.SettingsStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link SettingsStore} contract on an SQLite file, a fresh data directory per test. */
class SqliteSettingsStoreTest extends SettingsStoreContract {
    @TempDir
    Path dataDir;

    @Override
    protected SettingsStore newStore() {
        return SqlSettingsStore.sqlite(dataDir);
    }
}
