package io.beacon.bench.beacon;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.PresenceSystem;
import io.beacon.bench.Processes;
import io.beacon.bench.SystemSettings;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Beacon as a system under test: the server jar ({@code beacon-server/target/beacon.jar}) in a child
 * JVM on a free loopback port, with a generated secret and a temporary data directory.
 */
public final class BeaconSystem implements PresenceSystem, io.beacon.bench.Attachable {
    public static final String SECRET = "bench-secret-0123456789-0123456789-abcdef";
    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> extraArgs;
    private Process process;
    private Path dataDir;
    private int port;
    private SystemSettings settings;

    public BeaconSystem(Path jar, List<String> jvmOptions) {
        this(jar, jvmOptions, List.of());
    }

    /** With more {@code serve} flags, e.g. a cluster node's {@code --redis-url} and {@code --node-lease-ttl-ms}. */
    public BeaconSystem(Path jar, List<String> jvmOptions, List<String> extraArgs) {
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** The server jar beside the bench jar in a source checkout. */
    public static Path defaultJar() {
        return Path.of("beacon-server/target/beacon.jar");
    }

    @Override
    public String name() {
        return "beacon";
    }

    @Override
    public void start(SystemSettings s) throws Exception {
        if (!Files.exists(jar)) {
            throw new IOException("no Beacon server jar at " + jar.toAbsolutePath() + "; build it with: mvn -B -DskipTests package");
        }
        this.settings = s;
        dataDir = Files.createTempDirectory("beacon-bench-server");
        port = Processes.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "serve",
                "--http-host", "127.0.0.1", "--http-port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--jwt-secret", SECRET, "--api-key", "bench-api-key-0123456789",
                "--heartbeat-interval-ms", Long.toString(s.heartbeatInterval().toMillis()),
                "--session-ttl-ms", Long.toString(s.sessionTtl().toMillis()),
                "--offline-grace-ms", Long.toString(s.offlineGrace().toMillis()),
                // the peers' rosters say who sees whom; Beacon's equivalent here is visibility everyone
                "--default-visibility", "everyone",
                "--max-messages-per-second", "1000"));
        cmd.addAll(extraArgs);
        String extra = System.getenv("BEACON_BENCH_SERVER_ARGS"); // e.g. "--io-threads 1", for experiments
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BEACON_"));
        process = pb.start();
        Processes.awaitPort(port, Duration.ofSeconds(30), process);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    /** {@code kill -9}: the node dies at once, without a goodbye to anyone (its lease just stops being renewed). */
    public void kill() {
        if (process != null) {
            process.destroyForcibly(); // SIGKILL
            try {
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The server's log (stdout and stderr). */
    public Path logFile() {
        return dataDir == null ? null : dataDir.resolve("server.log");
    }

    public int port() {
        return port;
    }

    @Override
    public void provision(int users, int[][] contacts) {
        // Beacon needs no accounts: tokens carry the user, subscriptions are made by the clients
    }

    @Override
    public ClientDriver driver(EventLoopGroup group) {
        return new BeaconDriver(group, "127.0.0.1", port, SECRET);
    }

    @Override
    public Map<String, String> endpoint() {
        return Map.of("host", "127.0.0.1", "port", Integer.toString(port), "secret", SECRET);
    }

    /** A driver for a Beacon started by another process. */
    public static ClientDriver attach(Map<String, String> endpoint, EventLoopGroup group) {
        return new BeaconDriver(group, endpoint.get("host"), Integer.parseInt(endpoint.get("port")), endpoint.get("secret"));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", "0.1.0-SNAPSHOT");
        d.put("jvm_options", String.join(" ", jvmOptions));
        if (!extraArgs.isEmpty()) {
            d.put("extra_args", String.join(" ", extraArgs));
        }
        d.put("heartbeat_interval_ms", settings.heartbeatInterval().toMillis());
        d.put("session_ttl_ms", settings.sessionTtl().toMillis());
        d.put("offline_grace_ms", settings.offlineGrace().toMillis());
        return d;
    }

    @Override
    public void close() {
        Processes.stop(process, Duration.ofSeconds(5));
        process = null;
        Processes.deleteTree(dataDir);
    }
}
