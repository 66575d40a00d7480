package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** URL handling and option checks, no database needed. */
class SqlSettingsStoreUrlTest {

    @Test
    void jdbcUrlsAreKeptAsTheyAre() {
        String url = "jdbc:postgresql://db:5432/beacon?user=b&password=p&sslmode=require";
        assertThat(SqlSettingsStore.toJdbcUrl(url)).isEqualTo(url);
    }

    @Test
    void libpqUrisBecomeJdbcUrls() {
        assertThat(SqlSettingsStore.toJdbcUrl("postgres://beacon:s%40cret@db.local:6543/presence?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db.local:6543/presence?user=beacon&password=s%40cret&sslmode=require");
        assertThat(SqlSettingsStore.toJdbcUrl("postgresql://db/presence"))
                .isEqualTo("jdbc:postgresql://db/presence");
        assertThat(SqlSettingsStore.toJdbcUrl("postgres://only-user@db/presence"))
                .isEqualTo("jdbc:postgresql://db/presence?user=only-user");
    }

    @Test
    void otherUrlsAreRejectedWithoutShowingThePassword() {
        assertThatThrownBy(() -> SqlSettingsStore.toJdbcUrl("mysql://u:hunter2@db/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> SqlSettingsStore.toJdbcUrl("jdbc:sqlite:/tmp/x.db"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsAreRedacted() {
        assertThat(SqlSettingsStore.redact("jdbc:postgresql://db/x?user=u&password=p4ss&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/x?user=u&password=***&ssl=true");
        assertThat(SqlSettingsStore.redact("postgres://u:p4ss@db/x")).isEqualTo("postgres://u:***@db/x");
    }

    @Test
    void optionsAreChecked() {
        SqlSettingsStore.Options d = SqlSettingsStore.Options.DEFAULTS;
        assertThat(d.writeThreads()).isEqualTo(2);
        assertThat(d.cacheMaxUsers()).isEqualTo(100_000);
        assertThat(d.lastSeenFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> d.withWriteThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withLastSeenFlushInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withCacheExpireAfterWrite(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.withReadThreads(4).withCacheMaxUsers(10).readThreads()).isEqualTo(4);
    }
}
