package io.beacon.config;

import io.beacon.settings.Visibility;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BeaconConfigTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void defaults() {
        BeaconConfig c = BeaconConfig.create();
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(7070);
        assertThat(c.jwtSecret()).isEmpty();
        assertThat(c.apiKey()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.heartbeatIntervalMs()).isEqualTo(15_000);
        assertThat(c.sessionTtlMs()).isEqualTo(40_000);
        assertThat(c.offlineGraceMs()).isEqualTo(5_000);
        assertThat(c.idleAfterMs()).isEqualTo(300_000);
        assertThat(c.helloTimeoutMs()).isEqualTo(10_000);
        assertThat(c.defaultVisibility()).isEqualTo(Visibility.CONTACTS);
        assertThat(c.roomLargeThreshold()).isEqualTo(200);
        assertThat(c.maxRoomMembers()).isEqualTo(100_000);
        assertThat(c.maxRoomsPerSession()).isEqualTo(100);
        assertThat(c.maxRoomMetaBytes()).isEqualTo(1024);
        assertThat(c.maxSignalBytes()).isEqualTo(4096);
        assertThat(c.maxSignalsPerSecond()).isEqualTo(10);
        assertThat(c.nodeLeaseTtlMs()).isEqualTo(5_000);
        assertThat(c.redisUrl()).isEmpty();
        assertThat(c.redisUris()).isEmpty();
        assertThat(c.redisCluster()).isFalse();
        assertThat(c.databaseUrl()).isEmpty();
        assertThat(c.maxSubscriptions()).isEqualTo(10_000);
        assertThat(c.maxMessagesPerSecond()).isEqualTo(50);
        assertThat(c.messageBurst()).isEqualTo(100);
        assertThat(c.maxFrameBytes()).isEqualTo(65_536);
        assertThat(c.maxConnections()).isEqualTo(100_000);
        assertThat(c.ioThreads()).isZero();
        assertThat(c.effectiveIoThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.devMode()).isTrue();
        assertThat(c.clustered()).isFalse();
        assertThat(c).isEqualTo(BeaconConfig.builder().build());
    }

    @Test
    void everyKeyDefaultMatchesTheBuiltDefault() {
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(key.valueIn(BeaconConfig.create())).as(key.key()).isEqualTo(
                    key == ConfigKey.DATA_DIR ? Path.of(key.defaultValue()).toString() : key.defaultValue());
        }
    }

    @Test
    void builderAndToBuilder() {
        BeaconConfig c = BeaconConfig.builder()
                .httpPort(0)
                .jwtSecret(SECRET)
                .apiKey("an-api-key-of-16+")
                .heartbeatIntervalMs(1_000)
                .sessionTtlMs(3_000)
                .offlineGraceMs(0)
                .defaultVisibility(Visibility.EVERYONE)
                .redisUrl("redis://a:7000, redis://b:7001")
                .redisCluster(true)
                .databaseUrl("jdbc:postgresql://localhost/beacon")
                .ioThreads(3)
                .build();
        assertThat(c.httpPort()).isZero();
        assertThat(c.devMode()).isFalse();
        assertThat(c.offlineGraceMs()).isZero();
        assertThat(c.redisUris()).containsExactly("redis://a:7000", "redis://b:7001");
        assertThat(c.clustered()).isTrue();
        assertThat(c.effectiveIoThreads()).isEqualTo(3);

        BeaconConfig copy = c.toBuilder().build();
        assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
        BeaconConfig changed = c.toBuilder().httpPort(9000).jwtSecret(null).build();
        assertThat(changed.httpPort()).isEqualTo(9000);
        assertThat(changed.devMode()).isTrue();
        assertThat(c.httpPort()).isZero();
        assertThat(changed).isNotEqualTo(c);
    }

    @Test
    void toStringMasksSecrets() {
        BeaconConfig c = BeaconConfig.builder().jwtSecret(SECRET).apiKey("an-api-key-of-16+").build();
        assertThat(c.toString()).contains("jwt_secret=****", "api_key=****", "http_port=7070")
                .doesNotContain(SECRET, "an-api-key-of-16+");
    }

    @Test
    void sessionTtlMustExceedHeartbeat() {
        assertThatThrownBy(() -> BeaconConfig.builder().heartbeatIntervalMs(15_000).sessionTtlMs(15_000).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value \"15000\" for session_ttl_ms (BEACON_SESSION_TTL_MS): "
                        + "expected an integer (milliseconds) greater than heartbeat_interval_ms (15000)");
    }

    @Test
    void rangeErrors() {
        assertThatThrownBy(() -> BeaconConfig.builder().httpPort(65_536).build())
                .hasMessage("invalid value \"65536\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535");
        assertThatThrownBy(() -> BeaconConfig.builder().httpHost(" ").build())
                .hasMessage("invalid value \" \" for http_host (BEACON_HTTP_HOST): expected a non-empty host name or IP address");
        assertThatThrownBy(() -> BeaconConfig.builder().heartbeatIntervalMs(0).build())
                .hasMessage("invalid value \"0\" for heartbeat_interval_ms (BEACON_HEARTBEAT_INTERVAL_MS): "
                        + "expected an integer 1..31536000000 (milliseconds)");
        assertThatThrownBy(() -> BeaconConfig.builder().offlineGraceMs(-1).build())
                .hasMessage("invalid value \"-1\" for offline_grace_ms (BEACON_OFFLINE_GRACE_MS): "
                        + "expected an integer 0..31536000000 (milliseconds)");
        assertThatThrownBy(() -> BeaconConfig.builder().maxSubscriptions(0).build())
                .hasMessage("invalid value \"0\" for max_subscriptions (BEACON_MAX_SUBSCRIPTIONS): expected a positive integer");
        assertThatThrownBy(() -> BeaconConfig.builder().maxRoomMembers(0).build())
                .hasMessage("invalid value \"0\" for max_room_members (BEACON_MAX_ROOM_MEMBERS): expected a positive integer");
        assertThatThrownBy(() -> BeaconConfig.builder().maxRoomMetaBytes(1).build())
                .hasMessage("invalid value \"1\" for max_room_meta_bytes (BEACON_MAX_ROOM_META_BYTES): expected an integer 2..2147483647");
        assertThatThrownBy(() -> BeaconConfig.builder().maxSignalsPerSecond(-3).build())
                .hasMessage("invalid value \"-3\" for max_signals_per_second (BEACON_MAX_SIGNALS_PER_SECOND): expected a positive integer");
        assertThatThrownBy(() -> BeaconConfig.builder().ioThreads(-1).build())
                .hasMessage("invalid value \"-1\" for io_threads (BEACON_IO_THREADS): "
                        + "expected an integer 0..1024 (0 = number of cores)");
        assertThatThrownBy(() -> BeaconConfig.builder().dataDir(Path.of("")).build())
                .hasMessage("invalid value \"\" for data_dir (BEACON_DATA_DIR): expected a non-empty directory path");
    }

    @Test
    void shortSecretsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> BeaconConfig.builder().jwtSecret("too-short-secret").build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value (hidden, 16 bytes) for jwt_secret (BEACON_JWT_SECRET): "
                        + "expected a secret of at least 32 bytes");
        assertThatThrownBy(() -> BeaconConfig.builder().apiKey("short-key").build())
                .hasMessage("invalid value (hidden, 9 bytes) for api_key (BEACON_API_KEY): "
                        + "expected a key of at least 16 characters");
        assertThat(BeaconConfig.builder().jwtSecret(SECRET).build().jwtSecret()).contains(SECRET);
    }

    @Test
    void redisAndDatabaseUrls() {
        assertThat(BeaconConfig.builder().redisUrl("redis://127.0.0.1:6390").build().redisUris())
                .containsExactly("redis://127.0.0.1:6390");
        assertThat(BeaconConfig.builder().redisUrl("rediss://user:pw@host:6380/2").build().clustered()).isTrue();
        assertThatThrownBy(() -> BeaconConfig.builder().redisUrl("localhost:6379").build())
                .hasMessage("invalid value \"localhost:6379\" for redis_url (BEACON_REDIS_URL): "
                        + "expected redis://host:port or a comma-separated list of such URIs");
        assertThatThrownBy(() -> BeaconConfig.builder().redisUrl("redis://a:1,").redisCluster(true).build())
                .hasMessageStartingWith("invalid value \"redis://a:1,\" for redis_url");
        assertThatThrownBy(() -> BeaconConfig.builder().redisUrl("redis://a:1,redis://b:2").build())
                .hasMessage("invalid value \"redis://a:1,redis://b:2\" for redis_url (BEACON_REDIS_URL): "
                        + "expected a single redis://host:port URI unless redis_cluster is true");
        assertThatThrownBy(() -> BeaconConfig.builder().redisCluster(true).build())
                .hasMessage("invalid value \"true\" for redis_cluster (BEACON_REDIS_CLUSTER): "
                        + "expected false unless redis_url is set");
        assertThatThrownBy(() -> BeaconConfig.builder().databaseUrl("jdbc:mysql://x/y").build())
                .hasMessage("invalid value \"jdbc:mysql://x/y\" for database_url (BEACON_DATABASE_URL): "
                        + "expected a JDBC URL starting with jdbc:postgresql:");
    }

    @Test
    void keyNamesFollowTheConventions() {
        assertThat(ConfigKey.HTTP_PORT.key()).isEqualTo("http_port");
        assertThat(ConfigKey.HTTP_PORT.envVar()).isEqualTo("BEACON_HTTP_PORT");
        assertThat(ConfigKey.HTTP_PORT.flag()).isEqualTo("--http-port");
        assertThat(ConfigKey.MAX_MESSAGES_PER_SECOND.flag()).isEqualTo("--max-messages-per-second");
        assertThat(ConfigKey.byEnvVar("BEACON_DATA_DIR")).isEqualTo(ConfigKey.DATA_DIR);
        assertThat(ConfigKey.byKey("nope")).isNull();
    }

    @Test
    void errorValuesAreQuotedOnOneLine() {
        assertThat(ConfigKey.quote("a\"b\nc")).isEqualTo("\"a\\\"b\\nc\"");
        assertThat(ConfigKey.HTTP_PORT.invalid("1\n2").getMessage()).doesNotContain("\n");
    }
}
