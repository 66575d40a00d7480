package io.beacon.bench.cluster;

import io.beacon.bench.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} for one benchmark run: a free loopback port (never 6379 or any
 * server already running), nothing persisted ({@code --save "" --appendonly no}), a temp directory
 * for its log, stopped by PID. Modelled on the test helper {@code RedisServers} of beacon-redis.
 * The harness reads it with {@code INFO} over its own socket ({@link Resp}), never through the
 * connections under test.
 */
public final class RedisServer implements AutoCloseable {
    public static final String BINARY = "redis-server";

    private final int port;
    private final Path dir;
    private final Process process;
    private final Resp admin;
    private final String version;

    private RedisServer(int port, Path dir, Process process, Resp admin, String version) {
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.admin = admin;
        this.version = version;
    }

    /** Whether {@code redis-server} is on the PATH. */
    public static boolean available() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, BINARY))) {
                return true;
            }
        }
        return false;
    }

    /** Starts one and waits until it answers PING. */
    public static RedisServer start() throws IOException, InterruptedException {
        if (!available()) {
            throw new IOException("redis-server is not installed (Debian: apt-get install redis-server)");
        }
        int port = Processes.freePort();
        Path dir = Files.createTempDirectory("beacon-bench-redis-");
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no", "--protected-mode", "no",
                "--loglevel", "warning", "--logfile", dir.resolve("redis.log").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!p.isAlive()) {
                String log = Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "";
                Processes.deleteTree(dir);
                throw new IOException("redis-server on port " + port + " exited with " + p.exitValue() + ": " + log);
            }
            try {
                Resp admin = new Resp("127.0.0.1", port);
                if ("PONG".equals(admin.call("PING"))) {
                    RedisInfo info = RedisInfo.parse((String) admin.call("INFO", "server"), System.nanoTime());
                    return new RedisServer(port, dir, p, admin, info.fields().getOrDefault("redis_version", "unknown"));
                }
                admin.close();
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                Processes.stop(p, java.time.Duration.ofSeconds(2));
                Processes.deleteTree(dir);
                throw new IOException("redis-server on port " + port + " did not answer PING within 20 s");
            }
            Thread.sleep(50);
        }
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

    public String version() {
        return version;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** {@code INFO all} now (the harness's INFO calls are excluded from command counts by {@link RedisInfo#delta}). */
    public synchronized RedisInfo info() throws IOException {
        return RedisInfo.parse((String) admin.call("INFO", "all"), System.nanoTime());
    }

    /** Any command on the harness's own connection (e.g. {@code FLUSHALL}, {@code DBSIZE}). */
    public synchronized Object call(String... args) throws IOException {
        return admin.call(args);
    }

    /** How the server was started, for the results file. */
    public String describe() {
        return "redis-server " + version + " on 127.0.0.1:" + port + " --save \"\" --appendonly no (standalone, defaults otherwise)";
    }

    @Override
    public void close() {
        try {
            admin.close();
        } catch (IOException e) {
            // closing anyway
        }
        Processes.stop(process, java.time.Duration.ofSeconds(3));
        Processes.deleteTree(dir);
    }

    /** The last lines of the server's log (for errors). */
    public String logTail() {
        try {
            Path log = dir.resolve("redis.log");
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
