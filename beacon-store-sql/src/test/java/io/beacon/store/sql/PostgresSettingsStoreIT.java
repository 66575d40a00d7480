package io.beacon.store.sql;

import io.beacon.settings.SettingsStore;
import io.beacon.settings.SettingsStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link SettingsStore} contract on a real PostgreSQL that this class starts itself (initdb + pg_ctl
 * on a free port, see {@link PostgresServer}); the contract's user ids are unique per test, so every test
 * shares the one database.
 */
class PostgresSettingsStoreIT extends SettingsStoreContract {
    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
        System.out.println("PostgresSettingsStoreIT: PostgreSQL started in " + server.startMillis + " ms on port " + server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected SettingsStore newStore() {
        return SqlSettingsStore.postgres(server.jdbcUrl());
    }
}
