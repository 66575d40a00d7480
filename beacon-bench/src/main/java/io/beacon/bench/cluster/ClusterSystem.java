package io.beacon.bench.cluster;

import io.beacon.bench.Attachable;
import io.beacon.bench.ClientDriver;
import io.beacon.bench.PresenceSystem;
import io.beacon.bench.Processes;
import io.beacon.bench.SystemSettings;
import io.beacon.bench.beacon.BeaconDriver;
import io.beacon.bench.beacon.BeaconSystem;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A cluster under test: one private Redis ({@link RedisServer}) and {@code nodes} presence nodes sharing
 * it, each a child process on its own free loopback port — Beacon in cluster mode ({@code beacon.jar serve
 * --redis-url … --node-lease-ttl-ms …}), or the {@link BaselineNode baseline design}. Clients reach user
 * {@code u}'s node as {@code u mod nodes} ({@link MultiNodeDriver}). Beacon nodes run from a private copy
 * of the server jar, so a rebuild during the run cannot change them.
 */
public final class ClusterSystem implements PresenceSystem, Attachable {
    public enum Kind { BEACON, BASELINE }

    private final Kind kind;
    private final int nodeCount;
    private final long leaseTtlMillis;
    private final Path jar;
    private final List<String> jvmOptions;
    private RedisServer redis;
    private Path dir;
    private final List<BeaconSystem> beacons = new ArrayList<>();
    private final List<BaselineProcess> baselines = new ArrayList<>();
    private final List<Boolean> killed = new ArrayList<>();
    private SystemSettings settings;

    public ClusterSystem(Kind kind, int nodes, long leaseTtlMillis, Path jar, List<String> jvmOptions) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be at least 1");
        }
        this.kind = kind;
        this.nodeCount = nodes;
        this.leaseTtlMillis = leaseTtlMillis;
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public String name() {
        return kind == Kind.BEACON ? "beacon" : "baseline";
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public void start(SystemSettings s) throws Exception {
        this.settings = s;
        redis = RedisServer.start();
        try {
            List<CompletableFuture<Void>> starting = new ArrayList<>();
            if (kind == Kind.BEACON) {
                if (!Files.exists(jar)) {
                    throw new IOException("no Beacon server jar at " + jar.toAbsolutePath() + "; build it with: mvn -B -DskipTests package");
                }
                dir = Files.createTempDirectory("beacon-bench-cluster-");
                Path copy = dir.resolve("beacon.jar");
                Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
                for (int i = 0; i < nodeCount; i++) {
                    BeaconSystem node = new BeaconSystem(copy, jvmOptions, List.of("--redis-url", redis.uri(),
                            "--node-lease-ttl-ms", Long.toString(leaseTtlMillis)));
                    beacons.add(node);
                    killed.add(false);
                    starting.add(CompletableFuture.runAsync(() -> {
                        try {
                            node.start(s);
                        } catch (Exception e) {
                            throw new IllegalStateException("Beacon node did not start: " + e.getMessage(), e);
                        }
                    }));
                }
            } else {
                for (int i = 0; i < nodeCount; i++) {
                    baselines.add(null);
                    killed.add(false);
                    int idx = i;
                    starting.add(CompletableFuture.runAsync(() -> {
                        try {
                            BaselineProcess p = BaselineProcess.start(redis.uri(), s.sessionTtl().toSeconds(), jvmOptions);
                            synchronized (baselines) {
                                baselines.set(idx, p);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    }));
                }
            }
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    public RedisServer redis() {
        return redis;
    }

    public int nodes() {
        return nodeCount;
    }

    public List<Integer> ports() {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            p.add(kind == Kind.BEACON ? beacons.get(i).port() : baselines.get(i).port());
        }
        return p;
    }

    public List<Long> nodePids() {
        List<Long> p = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            p.add(kind == Kind.BEACON ? beacons.get(i).pid() : baselines.get(i).pid());
        }
        return p;
    }

    public List<BaselineProcess> baselines() {
        return baselines;
    }

    /** {@code kill -9} of Beacon node {@code i}; returns {@code System.nanoTime()} right after the signal was sent. */
    public long kill(int i) {
        if (kind != Kind.BEACON) {
            throw new IllegalStateException("only Beacon nodes are killed");
        }
        ProcessHandle h = ProcessHandle.of(beacons.get(i).pid()).orElseThrow();
        h.destroyForcibly();
        long at = System.nanoTime();
        killed.set(i, true);
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // it is going
        }
        return at;
    }

    /** Warnings and errors in a Beacon node's log (the first few lines), for the results. */
    public List<String> logProblems(int i, int max) {
        List<String> out = new ArrayList<>();
        if (kind != Kind.BEACON || beacons.get(i).logFile() == null) {
            return out;
        }
        try (var lines = Files.lines(beacons.get(i).logFile())) {
            lines.filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Exception") || l.contains("Too many open files"))
                    .filter(l -> !l.contains("without database_url")) // expected here: each node has its own SQLite
                    .limit(max).forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            // no log
        }
        return out;
    }

    /** Open file descriptors of a node (sockets included), from /proc; -1 when unknown. */
    public long openFiles(int i) {
        try (var s = Files.list(Path.of("/proc/" + nodePids().get(i) + "/fd"))) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public long pid() {
        return redis.pid();
    }

    @Override
    public void provision(int users, int[][] contacts) {
        // tokens carry the user; nothing to create
    }

    @Override
    public ClientDriver driver(EventLoopGroup group) {
        List<ClientDriver> d = new ArrayList<>();
        for (int port : ports()) {
            d.add(new BeaconDriver(group, "127.0.0.1", port, BeaconSystem.SECRET));
        }
        return new MultiNodeDriver(d);
    }

    @Override
    public Map<String, String> endpoint() {
        StringBuilder nodes = new StringBuilder();
        for (int port : ports()) {
            nodes.append(nodes.isEmpty() ? "" : ";").append("127.0.0.1:").append(port);
        }
        return Map.of("nodes", nodes.toString(), "secret", BeaconSystem.SECRET);
    }

    /** Drivers for the nodes of an {@link #endpoint()}, in another process. */
    /** The heartbeat, session TTL and grace of a cluster scenario's parameters. */
    static io.beacon.bench.SystemSettings settings(Map<String, Object> p) {
        return new io.beacon.bench.SystemSettings(java.time.Duration.ofMillis(io.beacon.bench.Scenario.intParam(p, "heartbeat_ms")),
                java.time.Duration.ofMillis(io.beacon.bench.Scenario.intParam(p, "ttl_ms")),
                java.time.Duration.ofMillis(io.beacon.bench.Scenario.intParam(p, "grace_ms")));
    }

    public static ClientDriver attach(Map<String, String> endpoint, EventLoopGroup group) {
        List<ClientDriver> d = new ArrayList<>();
        for (String hp : endpoint.get("nodes").split(";")) {
            int colon = hp.lastIndexOf(':');
            d.add(new BeaconDriver(group, hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)), endpoint.get("secret")));
        }
        return new MultiNodeDriver(d);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("design", kind == Kind.BEACON
                ? "Beacon cluster mode: beacon.jar serve --redis-url (heartbeats never reach Redis; one lease EVALSHA per node per 500 ms)"
                : "baseline: the reference PresenceService (HGETALL+EXISTS, MULTI HSET SETEX EXEC, PUBLISH presence:updates per heartbeat)");
        d.put("nodes", nodeCount);
        d.put("redis", redis == null ? null : redis.describe());
        d.put("jvm_options", String.join(" ", jvmOptions));
        if (kind == Kind.BEACON) {
            d.put("node_lease_ttl_ms", leaseTtlMillis);
            if (!beacons.isEmpty()) {
                d.put("node", beacons.get(0).describe());
            }
        }
        if (settings != null) {
            d.put("heartbeat_interval_ms", settings.heartbeatInterval().toMillis());
            d.put("session_ttl_ms", settings.sessionTtl().toMillis());
            d.put("offline_grace_ms", settings.offlineGrace().toMillis());
        }
        return d;
    }

    /** Where the nodes' logs are kept after the run (the nodes' own directories are deleted). */
    public static final Path KEPT_LOGS = Path.of(System.getProperty("java.io.tmpdir"), "beacon-bench-cluster-logs");

    @Override
    public void close() {
        for (BeaconSystem b : beacons) {
            try {
                if (b.logFile() != null && Files.exists(b.logFile())) {
                    Files.createDirectories(KEPT_LOGS);
                    Files.copy(b.logFile(), KEPT_LOGS.resolve("node-" + b.port() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException | RuntimeException e) {
                // the log is a convenience
            }
            b.close();
        }
        beacons.clear();
        for (BaselineProcess b : baselines) {
            if (b != null) {
                b.close();
            }
        }
        baselines.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
        Processes.deleteTree(dir);
        dir = null;
    }
}
