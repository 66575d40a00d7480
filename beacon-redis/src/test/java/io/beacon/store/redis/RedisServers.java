package io.beacon.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throw-away Redis servers for tests, started from the Debian {@code redis-server} on free loopback
 * ports (never the standard 6379, never a shared server), with nothing persisted, and stopped by PID.
 *
 * <pre>{@code
 * try (RedisServers.Server redis = RedisServers.start()) {
 *     RedisConnection c = RedisConnection.connect(RedisConnection.Options.standalone(redis.uri()));
 * }
 * try (RedisServers.Cluster cluster = RedisServers.cluster(3, 1)) {   // 3 masters, a replica each
 *     RedisConnection c = RedisConnection.connect(RedisConnection.Options.cluster(cluster.seeds()));
 * }
 * }</pre>
 */
public final class RedisServers {
    private RedisServers() {
    }

    /** Whether {@code redis-server} and {@code redis-cli} are installed. */
    public static boolean available() {
        return onPath("redis-server") && onPath("redis-cli");
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** A standalone server. */
    public static Server start() {
        return new Server(freePort(false), false, null);
    }

    /**
     * A Redis Cluster of {@code masters} masters with {@code replicas} replicas each, made with
     * {@code redis-cli --cluster create}; returns once every node says {@code cluster_state:ok}.
     */
    public static Cluster cluster(int masters, int replicas) {
        return new Cluster(masters, replicas);
    }

    /** One redis-server process. */
    public static final class Server implements AutoCloseable {
        private final int port;
        private final boolean clustered;
        private final Path dir;
        private Process process;

        Server(int port, boolean clustered, Path dir) {
            this.port = port;
            this.clustered = clustered;
            try {
                this.dir = dir != null ? dir : Files.createTempDirectory("beacon-redis-" + port);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            launch();
        }

        private void launch() {
            List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--protected-mode", "no",
                    "--loglevel", "warning", "--logfile", dir.resolve("redis.log").toString()));
            if (clustered) {
                cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
                        // a replica takes over however recently it synced (a test's cluster is seconds old)
                        "--cluster-replica-validity-factor", "0"));
            }
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start redis-server (apt-get install redis-server)", e);
            }
            awaitPing();
        }

        private void awaitPing() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
                }
                if ("PONG".equals(cli("ping").strip())) {
                    return;
                }
                pause(50);
            }
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING in 20 s: " + log());
        }

        public int port() {
            return port;
        }

        public long pid() {
            return process.pid();
        }

        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        public boolean alive() {
            return process != null && process.isAlive();
        }

        /** Runs {@code redis-cli -p PORT args…} against this server and returns what it printed. */
        public String cli(String... args) {
            List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
            cmd.addAll(List.of(args));
            return run(cmd, 20);
        }

        /** A number from {@code INFO}, e.g. {@code total_commands_processed}. */
        public long info(String field) {
            for (String line : cli("info", "all").split("\r?\n")) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).strip());
                }
            }
            throw new IllegalStateException("no " + field + " in INFO of port " + port);
        }

        /** SIGKILL: the server dies at once and loses everything (nothing is persisted). */
        public void kill() {
            if (process != null) {
                process.destroyForcibly();
                waitFor(process);
            }
        }

        /** Starts the server again on the same port (empty: nothing was persisted; a cluster node keeps its nodes.conf). */
        public void restart() {
            if (alive()) {
                throw new IllegalStateException("redis-server on port " + port + " is still running");
            }
            launch();
        }

        String log() {
            try {
                Path log = dir.resolve("redis.log");
                return Files.exists(log) ? Files.readString(log) : "(no log)";
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        @Override
        public void close() {
            kill();
            deleteTree(dir);
        }
    }

    /** A Redis Cluster made of {@link Server}s. */
    public static final class Cluster implements AutoCloseable {
        private final List<Server> nodes = new ArrayList<>();
        private final int masters;

        Cluster(int masters, int replicas) {
            this.masters = masters;
            try {
                for (int i = 0; i < masters * (1 + replicas); i++) {
                    nodes.add(new Server(freePort(true), true, null));
                }
                List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
                for (Server n : nodes) {
                    cmd.add("127.0.0.1:" + n.port());
                }
                cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
                String out = run(cmd, 60);
                if (!out.contains("[OK] All 16384 slots covered")) {
                    throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
                }
                awaitOk();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Waits until every live node says the cluster is ok and every replica has synced with its master. */
        public void awaitOk() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                boolean ok = true;
                for (Server n : nodes) {
                    if (!n.alive()) {
                        continue;
                    }
                    String replication = n.cli("info", "replication");
                    if (!n.cli("cluster", "info").contains("cluster_state:ok")
                            || replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                        ok = false;
                        break;
                    }
                }
                if (ok) {
                    return;
                }
                pause(100);
            }
            throw new IllegalStateException("cluster not ok after 60 s");
        }

        /** Waits until a live master serves {@code key}'s slot (after its master died: a replica took over) and returns it. */
        public Server awaitMasterOf(String key) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    return masterOf(key);
                } catch (IllegalStateException none) {
                    if (System.nanoTime() > deadline) {
                        throw none;
                    }
                    pause(100);
                }
            }
        }

        public List<Server> nodes() {
            return nodes;
        }

        /** The seed URIs of every node, comma-separated, as {@code redis_url} takes them. */
        public String seeds() {
            StringBuilder sb = new StringBuilder();
            for (Server n : nodes) {
                sb.append(sb.isEmpty() ? "" : ",").append(n.uri());
            }
            return sb.toString();
        }

        /** The live node that serves {@code key}'s slot as master. */
        public Server masterOf(String key) {
            long slot = Long.parseLong(nodes.get(0).cli("cluster", "keyslot", key).strip());
            for (Server n : nodes) {
                if (!n.alive()) {
                    continue;
                }
                for (String line : n.cli("cluster", "nodes").split("\r?\n")) {
                    String[] f = line.split(" ");
                    if (f.length < 9 || !f[2].contains("myself") || !f[2].contains("master")) {
                        continue;
                    }
                    for (int i = 8; i < f.length; i++) {
                        String range = f[i];
                        if (range.startsWith("[")) {
                            continue;
                        }
                        String[] ab = range.split("-");
                        long a = Long.parseLong(ab[0]);
                        long b = ab.length > 1 ? Long.parseLong(ab[1]) : a;
                        if (slot >= a && slot <= b) {
                            return n;
                        }
                    }
                }
            }
            throw new IllegalStateException("no live master serves slot " + slot);
        }

        /** The number of masters the cluster was made with. */
        public int masters() {
            return masters;
        }

        @Override
        public void close() {
            for (Server n : nodes) {
                n.close();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A free loopback port; for a cluster node also its bus port (port + 10000). */
    static int freePort(boolean withBusPort) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = withBusPort ? ThreadLocalRandom.current().nextInt(20_000, 45_000) : 0;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (!withBusPort) {
                    return p;
                }
                try (ServerSocket bus = new ServerSocket(p + 10_000, 1, InetAddress.getLoopbackAddress())) {
                    return p;
                }
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // polling a process we started, not a timing rule
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
