package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beacon.presence.ManualStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SqlStoreBehaviour} on a real PostgreSQL started by this class, plus the PostgreSQL-only parts. */
class PostgresStoreBehaviourIT extends SqlStoreBehaviour {
    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
        System.out.println("PostgresStoreBehaviourIT: PostgreSQL started in " + server.startMillis + " ms on port " + server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected SqlSettingsStore openStore(SqlSettingsStore.Options options) {
        return SqlSettingsStore.postgres(server.jdbcUrl(), options);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl());
    }

    @Test
    void openWithADatabaseUrlIsPostgresAndAcceptsLibpqStyleUris() {
        String uri = "postgres://" + PostgresServer.USER + ":unused%40pw@127.0.0.1:" + server.port() + "/" + PostgresServer.DATABASE;
        SqlSettingsStore store = open(NO_TIMED_FLUSH);
        SqlSettingsStore viaUri = SqlSettingsStore.open(Path.of("unused"), uri, NO_TIMED_FLUSH);
        try {
            assertThat(viaUri.dialect()).isEqualTo(SqlSettingsStore.Dialect.POSTGRESQL);
            await(viaUri.setManual(user("alice"), ManualStatus.AWAY));
            assertThat(await(store.get(user("alice"))).manual()).isEqualTo(ManualStatus.AWAY);
        } finally {
            viaUri.close();
        }
    }

    @Test
    void anUnreachableServerFailsTheOpeningWithoutThePassword() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/x?user=u&password=s3cret";

        assertThatThrownBy(() -> SqlSettingsStore.postgres(url,
                NO_TIMED_FLUSH.withConnectionTimeout(Duration.ofMillis(500))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL")
                .hasMessageNotContaining("s3cret");
    }
}
