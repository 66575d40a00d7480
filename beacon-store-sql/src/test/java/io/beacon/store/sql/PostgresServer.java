package io.beacon.store.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code pg_ctl start}
 * on a free loopback port (never the standard 5432, never a shared server), a database {@value #DATABASE},
 * and {@code pg_ctl stop -m fast} plus deletion of the directory in {@link #close()}.
 *
 * <p>Binaries come from the Debian packages ({@code /usr/lib/postgresql/<version>/bin}, the newest version
 * wins; {@code BEACON_PG_BIN} overrides). {@code initdb} refuses to run as root, so when the tests run as
 * root the directory is owned by the {@code postgres} system user and every binary runs through
 * {@code setpriv --reuid=postgres --regid=postgres --init-groups}.
 */
public final class PostgresServer implements AutoCloseable {
    /** The database created for the tests. */
    public static final String DATABASE = "beacon";
    /** The superuser made by initdb (trust authentication on loopback). */
    public static final String USER = "beacon";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean asPostgres;
    private final int port;
    private final Thread shutdownHook;
    private boolean running;
    /** How long {@link #start()} took, in milliseconds: initdb, server start and database creation. */
    public final long startMillis;

    private PostgresServer(Path bin, Path dir, boolean asPostgres, int port, long startNanos) throws IOException {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.asPostgres = asPostgres;
        this.port = port;
        try {
            initdb();
            startServer();
            createDatabase();
        } catch (IOException | RuntimeException e) {
            stopQuietly();
            throw e;
        }
        this.startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        this.shutdownHook = new Thread(this::stopQuietly, "postgres-server-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Whether PostgreSQL server binaries are installed here. */
    public static boolean available() {
        return findBin() != null;
    }

    /** Starts a fresh server; fails when no binaries are installed. */
    public static PostgresServer start() {
        Path bin = findBin();
        if (bin == null) {
            throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin "
                    + "(Debian: apt-get install postgresql; .ci/run installs it)");
        }
        long t0 = System.nanoTime();
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken between probe and bind
            Path dir = null;
            try {
                boolean root = isRoot();
                dir = Files.createTempDirectory("beacon-pg-", PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                if (root) {
                    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                    UserPrincipal pgUser = users.lookupPrincipalByName("postgres");
                    GroupPrincipal pgGroup = users.lookupPrincipalByGroupName("postgres");
                    PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
                    view.setOwner(pgUser);
                    view.setGroup(pgGroup);
                }
                return new PostgresServer(bin, dir, root, freePort(), t0);
            } catch (IOException e) {
                last = e;
                if (dir != null) {
                    deleteTree(dir);
                }
            }
        }
        throw new UncheckedIOException("could not start a test PostgreSQL server", last);
    }

    /** A JDBC URL of the test database, with the user in it. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** The TCP port the server listens on (loopback only). */
    public int port() {
        return port;
    }

    /** The server's data directory. */
    public Path dataDir() {
        return data;
    }

    /**
     * Simulates a crash: SIGKILL to the postmaster and every one of its processes, without a checkpoint.
     * {@link #restart()} then starts it again on the same data directory (crash recovery replays the WAL).
     */
    public void kill() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("postmaster " + pid + " is gone"));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        postmaster.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        all.add(postmaster);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle p : all) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                sleep(10);
            }
        }
        running = false;
    }

    /** Starts the server again on the same data directory and port. */
    public void restart() throws IOException {
        startServer();
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down already
        }
        deleteTree(dir);
    }

    // ---------------------------------------------------------------- internals

    private void initdb() throws IOException {
        run(60, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                "--no-locale", "--no-sync");
    }

    private void startServer() throws IOException {
        String options = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
                + " -c fsync=on -c synchronous_commit=on -c max_connections=40 -c shared_buffers=16MB";
        run(90, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", options, "start");
        running = true;
    }

    private void createDatabase() throws IOException {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IOException("CREATE DATABASE failed: " + e.getMessage(), e);
        }
    }

    private synchronized void stopQuietly() {
        if (!running) {
            return;
        }
        try {
            run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
            running = false;
        } catch (IOException e) {
            System.err.println("PostgresServer: stop failed: " + e.getMessage());
        }
    }

    private void run(int timeoutSeconds, String... command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("beacon-pg-cmd-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
            if (p.exitValue() != 0) {
                String log = Files.readString(out, StandardCharsets.UTF_8);
                Path serverLog = dir.resolve("server.log");
                if (Files.exists(serverLog)) {
                    log += "\n--- server.log ---\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
                }
                throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path findBin() {
        String override = System.getenv("BEACON_PG_BIN");
        if (override != null && Files.isExecutable(Path.of(override, "initdb"))) {
            return Path.of(override);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isRoot() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return uid instanceof Integer i && i == 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
