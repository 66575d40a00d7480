package io.beacon.config;

import io.beacon.settings.Visibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(env, dir);
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void noSourcesMeansDefaults() {
        assertThat(loader(Map.of()).load()).isEqualTo(BeaconConfig.create());
    }

    @Test
    void precedenceIsDefaultsThenFileThenEnvThenFlags() throws IOException {
        Path conf = file("my.conf", """
                # a comment
                http_port = 7001
                http_host = 0.0.0.0
                idle_after_ms = 1234
                default_visibility: everyone
                """);
        Map<String, String> env = Map.of("BEACON_HTTP_PORT", "7002", "BEACON_IDLE_AFTER_MS", "4321");
        ConfigLoader.Loaded loaded = loader(env).loadWithSources(conf, Map.of("http_port", "7003"));
        BeaconConfig c = loaded.config();
        assertThat(c.httpPort()).isEqualTo(7003);
        assertThat(c.idleAfterMs()).isEqualTo(4321);
        assertThat(c.httpHost()).isEqualTo("0.0.0.0");
        assertThat(c.defaultVisibility()).isEqualTo(Visibility.EVERYONE);
        assertThat(c.sessionTtlMs()).isEqualTo(BeaconConfig.DEFAULT_SESSION_TTL_MS);
        assertThat(loaded.configFile()).contains(conf);
        assertThat(loaded.sources()).containsEntry(ConfigKey.HTTP_PORT, ConfigLoader.Source.FLAG)
                .containsEntry(ConfigKey.IDLE_AFTER_MS, ConfigLoader.Source.ENV)
                .containsEntry(ConfigKey.HTTP_HOST, ConfigLoader.Source.FILE)
                .containsEntry(ConfigKey.SESSION_TTL_MS, ConfigLoader.Source.DEFAULT);

        assertThat(loader(env).load(conf, Map.of()).httpPort()).isEqualTo(7002);
        assertThat(loader(Map.of()).load(conf, Map.of()).httpPort()).isEqualTo(7001);
    }

    @Test
    void configFileFromEnvOrWorkingDirectory() throws IOException {
        file("other.conf", "http_port = 7100\n");
        assertThat(loader(Map.of("BEACON_CONFIG", "other.conf")).load().httpPort()).isEqualTo(7100);

        file("beacon.conf", "http_port = 7200\n");
        assertThat(loader(Map.of()).loadWithSources(null, Map.of()).configFile()).contains(dir.resolve("beacon.conf"));
        assertThat(loader(Map.of()).load().httpPort()).isEqualTo(7200);
        // the flag wins over BEACON_CONFIG, which wins over ./beacon.conf
        assertThat(loader(Map.of("BEACON_CONFIG", "other.conf")).load().httpPort()).isEqualTo(7100);
        Path third = file("third.conf", "http_port = 7300\n");
        assertThat(loader(Map.of("BEACON_CONFIG", "other.conf")).load(third, Map.of()).httpPort()).isEqualTo(7300);
    }

    @Test
    void missingConfigFileIsAnError() {
        assertThatThrownBy(() -> loader(Map.of()).load(Path.of("nope.conf"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file not found: " + dir.resolve("nope.conf") + " (from --config)");
        assertThatThrownBy(() -> loader(Map.of("BEACON_CONFIG", "gone.conf")).load())
                .hasMessage("config file not found: " + dir.resolve("gone.conf") + " (from BEACON_CONFIG)");
    }

    @Test
    void badInteger() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_HTTP_PORT", "abc")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value \"abc\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535");
        assertThatThrownBy(() -> loader(Map.of()).load(null, Map.of("max_frame_bytes", "64k")))
                .hasMessage("invalid value \"64k\" for max_frame_bytes (BEACON_MAX_FRAME_BYTES): expected a positive integer");
        assertThatThrownBy(() -> loader(Map.of("BEACON_ROOM_LARGE_THRESHOLD", "99999999999")).load())
                .hasMessage("invalid value \"99999999999\" for room_large_threshold (BEACON_ROOM_LARGE_THRESHOLD): "
                        + "expected a positive integer");
        assertThatThrownBy(() -> loader(Map.of("BEACON_SESSION_TTL_MS", "40s")).load())
                .hasMessage("invalid value \"40s\" for session_ttl_ms (BEACON_SESSION_TTL_MS): "
                        + "expected an integer 1..31536000000 (milliseconds)");
    }

    @Test
    void outOfRange() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_HTTP_PORT", "70000")).load())
                .hasMessage("invalid value \"70000\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535");
        assertThatThrownBy(() -> loader(Map.of("BEACON_HTTP_PORT", "-1")).load())
                .hasMessage("invalid value \"-1\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535");
        assertThatThrownBy(() -> loader(Map.of("BEACON_HELLO_TIMEOUT_MS", "0")).load())
                .hasMessage("invalid value \"0\" for hello_timeout_ms (BEACON_HELLO_TIMEOUT_MS): "
                        + "expected an integer 1..31536000000 (milliseconds)");
        assertThat(loader(Map.of("BEACON_HTTP_PORT", "0", "BEACON_OFFLINE_GRACE_MS", "0")).load().offlineGraceMs()).isZero();
    }

    @Test
    void badEnumAndBoolean() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_DEFAULT_VISIBILITY", "friends")).load())
                .hasMessage("invalid value \"friends\" for default_visibility (BEACON_DEFAULT_VISIBILITY): "
                        + "expected one of everyone, contacts, nobody");
        assertThat(loader(Map.of("BEACON_DEFAULT_VISIBILITY", "Nobody")).load().defaultVisibility())
                .isEqualTo(Visibility.NOBODY);
        assertThatThrownBy(() -> loader(Map.of("BEACON_REDIS_CLUSTER", "yes")).load())
                .hasMessage("invalid value \"yes\" for redis_cluster (BEACON_REDIS_CLUSTER): expected true or false");
    }

    @Test
    void sessionTtlNotAboveHeartbeat() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_SESSION_TTL_MS", "10000")).load())
                .hasMessage("invalid value \"10000\" for session_ttl_ms (BEACON_SESSION_TTL_MS): "
                        + "expected an integer (milliseconds) greater than heartbeat_interval_ms (15000)");
        assertThatThrownBy(() -> loader(Map.of("BEACON_HEARTBEAT_INTERVAL_MS", "40000")).load())
                .hasMessage("invalid value \"40000\" for session_ttl_ms (BEACON_SESSION_TTL_MS): "
                        + "expected an integer (milliseconds) greater than heartbeat_interval_ms (40000)");
    }

    @Test
    void shortSecret() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_JWT_SECRET", "hunter2")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value (hidden, 7 bytes) for jwt_secret (BEACON_JWT_SECRET): "
                        + "expected a secret of at least 32 bytes")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> loader(Map.of("BEACON_API_KEY", "abc")).load())
                .hasMessage("invalid value (hidden, 3 bytes) for api_key (BEACON_API_KEY): "
                        + "expected a key of at least 16 characters");
    }

    @Test
    void valuesAreTrimmedAndBlankOptionalValuesUnset() throws IOException {
        Path conf = file("c.conf", "jwt_secret = 0123456789abcdef0123456789abcdef   \n");
        BeaconConfig fromFile = loader(Map.of("BEACON_HTTP_PORT", " 8080 ")).load(conf, Map.of());
        assertThat(fromFile.jwtSecret()).contains("0123456789abcdef0123456789abcdef");
        assertThat(fromFile.httpPort()).isEqualTo(8080);
        BeaconConfig cleared = loader(Map.of("BEACON_JWT_SECRET", "")).load(conf, Map.of());
        assertThat(cleared.devMode()).isTrue();
        assertThatThrownBy(() -> loader(Map.of("BEACON_HTTP_PORT", "")).load())
                .hasMessage("invalid value \"\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535");
    }

    @Test
    void unknownKeyInFile() throws IOException {
        Path conf = file("typo.conf", "htp_port = 7070\n");
        assertThatThrownBy(() -> loader(Map.of()).load(conf, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key \"htp_port\" (did you mean http_port?) in config file " + conf
                        + "; run 'beacon config' to list the keys");
        Path two = file("two.conf", "a = 1\nBEACON_HTTP_PORT = 2\n");
        assertThatThrownBy(() -> loader(Map.of()).load(two, Map.of()))
                .hasMessageStartingWith("unknown keys \"BEACON_HTTP_PORT\", \"a\" in config file " + two);
    }

    @Test
    void unknownBeaconEnvVar() {
        assertThatThrownBy(() -> loader(Map.of("BEACON_HTTP_PROT", "1")).load())
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown environment variable BEACON_HTTP_PROT (did you mean BEACON_HTTP_PORT?); "
                        + "run 'beacon config' to list the settings");
        assertThatThrownBy(() -> loader(Map.of("BEACON_FOO", "1", "BEACON_BAR", "2")).load())
                .hasMessageStartingWith("unknown environment variables BEACON_BAR, BEACON_FOO");
    }

    @Test
    void allowedNonSettingEnvVars() {
        Map<String, String> env = Map.of(
                "BEACON_TEST_REDIS", "x",
                "BEACON_BENCH_USERS", "5",
                "BEACON_LOG_LEVEL", "DEBUG",
                "BEACON_JAVA_OPTS", "-Xmx1g",
                "PATH", "/usr/bin",
                "HTTP_PORT", "1");
        assertThat(loader(env).load()).isEqualTo(BeaconConfig.create());
    }

    @Test
    void unknownFlagKeyIsAnError() {
        assertThatThrownBy(() -> loader(Map.of()).load(null, Map.of("http-port", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting \"http-port\"");
    }

    @Test
    void describeKeysListsEveryKeyWithDefaults() {
        String text = ConfigLoader.describeKeys();
        for (ConfigKey key : ConfigLoader.keys()) {
            assertThat(text).contains(key.key() + "  (" + key.envVar() + ", " + key.flag() + ")");
            assertThat(key.description()).isNotBlank();
        }
        assertThat(text).contains("default: 7070").contains("default: (unset)");
        assertThat(ConfigLoader.keys()).hasSize(27);
    }
}
