package io.beacon.cli;

import io.beacon.auth.AuthException;
import io.beacon.auth.DevSecrets;
import io.beacon.auth.Principal;
import io.beacon.auth.TokenVerifier;
import io.beacon.config.BeaconConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final String SECRET = "cli-test-secret-0123456789abcdef-xyz";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<BeaconConfig> served = new AtomicReference<>();

    private int run(Map<String, String> env, String... args) {
        CommandLine cl = new Main(env, dir, served::set, () -> NOW).commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void tokenPrintsAVerifiableJwt() throws Exception {
        int code = run(Map.of("BEACON_JWT_SECRET", SECRET),
                "token", "alice", "--rooms", "doc:42,chat:*", "--ttl", "90m", "--device", "web");
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        String token = out.toString().strip();
        assertThat(out.toString()).isEqualTo(token + System.lineSeparator());

        Principal p = new TokenVerifier(SECRET, () -> NOW).verify(token);
        assertThat(p.userId()).isEqualTo("alice");
        assertThat(p.rooms()).containsExactly("doc:42", "chat:*");
        assertThat(p.device()).isEqualTo("web");
        assertThat(p.expiresAtMillis()).isEqualTo(NOW + Duration.ofMinutes(90).toMillis());
    }

    @Test
    void tokenDefaultsTo24HoursAndUsesTheDevSecretInDevMode() throws Exception {
        Path dataDir = dir.resolve("data");
        int code = run(Map.of("BEACON_DATA_DIR", dataDir.toString()), "token", "bob");
        assertThat(code).as(err.toString()).isZero();
        String devSecret = DevSecrets.loadOrCreateJwtSecret(dataDir);
        Principal p = new TokenVerifier(devSecret, () -> NOW).verify(out.toString().strip());
        assertThat(p.userId()).isEqualTo("bob");
        assertThat(p.expiresAtMillis()).isEqualTo(NOW + Duration.ofHours(24).toMillis());
        assertThat(p.rooms()).isEmpty();
        assertThatThrownBy(() -> new TokenVerifier(SECRET, () -> NOW).verify(out.toString().strip()))
                .isInstanceOf(AuthException.class);
    }

    @Test
    void tokenHonoursConfigFileAndFlags() throws Exception {
        Path conf = dir.resolve("b.conf");
        Files.writeString(conf, "jwt_secret = " + SECRET + "\n");
        assertThat(run(Map.of(), "token", "carol", "--config", "b.conf", "--ttl", "3600")).isZero();
        Principal p = new TokenVerifier(SECRET, () -> NOW).verify(out.toString().strip());
        assertThat(p.expiresAtMillis()).isEqualTo(NOW + 3_600_000);

        Path dataDir = dir.resolve("flagdata");
        out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "token", "dave", "--data-dir", dataDir.toString())).isZero();
        assertThat(new TokenVerifier(DevSecrets.loadOrCreateJwtSecret(dataDir), () -> NOW)
                .verify(out.toString().strip()).userId()).isEqualTo("dave");
    }

    @Test
    void tokenErrors() {
        assertThat(run(Map.of("BEACON_JWT_SECRET", SECRET), "token", "alice", "--ttl", "soon")).isEqualTo(2);
        assertThat(err.toString()).startsWith("beacon: invalid --ttl \"soon\"");
        assertThat(out.toString()).isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run(Map.of("BEACON_JWT_SECRET", "short"), "token", "alice")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(
                "beacon: invalid value (hidden, 5 bytes) for jwt_secret (BEACON_JWT_SECRET): expected a secret of at least 32 bytes");

        err.getBuffer().setLength(0);
        assertThat(run(Map.of(), "token")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'USER'");
    }

    @Test
    void ttlFormats() {
        assertThat(Ttl.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Ttl.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Ttl.parse("3600s")).isEqualTo(Duration.ofSeconds(3600));
        assertThat(Ttl.parse("3600")).isEqualTo(Duration.ofSeconds(3600));
        assertThat(Ttl.parse("7d")).isEqualTo(Duration.ofDays(7));
        for (String bad : List.of("0", "0h", "-5", "1.5h", "h", "", "10w")) {
            assertThatThrownBy(() -> Ttl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void serveLoadsTheConfigAndRunsTheServer() {
        int code = run(Map.of("BEACON_HTTP_PORT", "7002"), "serve", "--http-port", "0", "--offline-grace-ms", "0",
                "--redis-url", "redis://127.0.0.1:7777");
        assertThat(code).as(err.toString()).isZero();
        BeaconConfig config = served.get();
        assertThat(config.httpPort()).isZero();
        assertThat(config.offlineGraceMs()).isZero();
        assertThat(config.redisUris()).containsExactly("redis://127.0.0.1:7777");
    }

    @Test
    void serveRedisClusterFlagWorksWithoutAValue() {
        assertThat(run(Map.of(), "serve", "--redis-url", "redis://a:1,redis://b:2", "--redis-cluster")).isZero();
        assertThat(served.get().redisCluster()).isTrue();
    }

    @Test
    void serveConfigErrorExits2WithOneLine() {
        int code = run(Map.of(), "serve", "--http-port", "abc");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "beacon: invalid value \"abc\" for http_port (BEACON_HTTP_PORT): expected an integer 0..65535"
                        + System.lineSeparator());
        assertThat(served.get()).isNull();

        err.getBuffer().setLength(0);
        assertThat(run(Map.of("BEACON_HTTP_PROT", "1"), "serve")).isEqualTo(2);
        assertThat(err.toString()).startsWith("beacon: unknown environment variable BEACON_HTTP_PROT");
    }

    @Test
    void serveFailureExits1() {
        CommandLine cl = new Main(Map.of(), dir, c -> {
            throw new IllegalStateException("port in use");
        }, () -> NOW).commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("serve")).isEqualTo(1);
        assertThat(err.toString()).contains("beacon: server failed: java.lang.IllegalStateException: port in use");
    }

    @Test
    void serveHelpListsEveryConfigFlag() {
        assertThat(run(Map.of(), "serve", "--help")).isZero();
        for (var key : io.beacon.config.ConfigLoader.keys()) {
            assertThat(out.toString()).contains(key.flag()).contains(key.envVar());
        }
    }

    @Test
    void tokenHelpKeepsTheSettingFlagsOutOfTheWay() {
        assertThat(run(Map.of(), "token", "--help")).isZero();
        assertThat(out.toString()).contains("--rooms", "--ttl", "--device", "--config", "Every setting flag of 'beacon serve'")
                .doesNotContain("--max-frame-bytes");
    }

    @Test
    void configPrintsEffectiveValuesWithSecretsMasked() {
        int code = run(Map.of("BEACON_JWT_SECRET", SECRET, "BEACON_HTTP_PORT", "8081"), "config", "--idle-after-ms", "60000");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).doesNotContain(SECRET).contains("dev mode:    no");
        assertThat(text).containsPattern("http_port\\s+BEACON_HTTP_PORT\\s+7070\\s+8081\\s+env");
        assertThat(text).containsPattern("idle_after_ms\\s+BEACON_IDLE_AFTER_MS\\s+300000\\s+60000\\s+flag");
        assertThat(text).containsPattern("jwt_secret\\s+BEACON_JWT_SECRET\\s+-\\s+\\*\\*\\*\\*\\s+env");
        assertThat(text).containsPattern("api_key\\s+BEACON_API_KEY\\s+-\\s+\\(unset\\)\\s+default");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void configReference() {
        assertThat(run(Map.of(), "config", "--reference")).isZero();
        assertThat(out.toString()).isEqualTo(io.beacon.config.ConfigLoader.describeKeys());
    }

    @Test
    void noArgumentsPrintsUsage() {
        assertThat(run(Map.of())).isZero();
        assertThat(out.toString()).contains("Usage: beacon", "serve", "token", "config");
        out.getBuffer().setLength(0);
        assertThat(run(Map.of(), "bogus")).isEqualTo(2);
    }
}
