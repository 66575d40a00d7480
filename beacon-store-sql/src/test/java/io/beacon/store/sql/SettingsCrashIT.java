package io.beacon.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.settings.InMemorySettingsStore;
import io.beacon.settings.SettingsStore;
import io.beacon.settings.UserSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability under {@code kill -9}: a child JVM ({@link CrashWriter}) writes and prints {@code ACK n} after
 * each acknowledged write; after {@value #ACKS} acknowledgements it is killed with SIGKILL while still
 * writing, the store is reopened on the same data, and every acknowledged write must be there. Because the
 * child issues one write at a time, the database holds exactly writes {@code 1..n} or {@code 1..n+1} (the
 * last one committed but not yet acknowledged) — compared field by field with an in-memory replay (see
 * {@link #assertHoldsExactlyTheAcknowledgedWrites} for ACK lines lost in the pipe).
 *
 * <p>On PostgreSQL the server itself is killed with SIGKILL too (postmaster and every backend, no
 * checkpoint) right after the acknowledgements, then restarted on the same data directory.
 */
class SettingsCrashIT {
    static final int ACKS = 200;

    private static PostgresServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
        System.out.println("SettingsCrashIT: PostgreSQL started in " + server.startMillis + " ms on port " + server.port());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sqliteKeepsEveryAcknowledgedWriteAfterKillMinusNine() throws Exception {
        Path dataDir = tmp.resolve("data");
        String prefix = "crash-" + UUID.randomUUID() + "-";
        Child child = Child.start(tmp, "sqlite", dataDir.toString(), prefix);

        child.awaitAcks(ACKS);
        child.kill(true);
        int acked = child.drainAcks();

        assertThat(acked).isGreaterThanOrEqualTo(ACKS);
        try (SqlSettingsStore reopened = SqlSettingsStore.sqlite(dataDir)) {
            assertHoldsExactlyTheAcknowledgedWrites(reopened, prefix, acked);
        }
    }

    @Test
    void postgresKeepsEveryAcknowledgedWriteWhenClientAndServerAreKilled() throws Exception {
        String prefix = "crash-" + UUID.randomUUID() + "-";
        Child child = Child.start(tmp, "postgres", server.jdbcUrl(), prefix);

        child.awaitAcks(ACKS);
        server.kill();  // the database server crashes first: acknowledged means committed
        child.kill(false);
        int acked = child.drainAcks();
        long t0 = System.nanoTime();
        server.restart(); // crash recovery
        System.out.println("SettingsCrashIT: PostgreSQL crash recovery + restart took "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");

        assertThat(acked).isGreaterThanOrEqualTo(ACKS);
        try (SqlSettingsStore reopened = SqlSettingsStore.postgres(server.jdbcUrl())) {
            assertHoldsExactlyTheAcknowledgedWrites(reopened, prefix, acked);
        }
    }

    /**
     * The store equals the replay of writes 1..k for some k ≥ acked: no acknowledged write is missing, and
     * nothing is half applied. k is acked or acked+1 (the write in flight) when every ACK line the child
     * printed reached this side; a larger k has been seen once in many runs (an ACK line lost between the
     * killed child and this reader, never a write lost), so a few more are accepted and reported.
     */
    private static void assertHoldsExactlyTheAcknowledgedWrites(SettingsStore reopened, String prefix, int acked)
            throws Exception {
        List<Object> actual = snapshot(reopened, prefix);
        for (int k = acked; k <= acked + MAX_UNSEEN_ACKS + 1; k++) {
            if (actual.equals(snapshot(replay(prefix, k), prefix))) {
                System.out.println("SettingsCrashIT: " + acked + " acknowledged writes; database matches "
                        + (k == acked ? "exactly them" : k == acked + 1 ? "them plus the unacknowledged next one"
                        : "writes 1.." + k + " (the child printed ACKs that did not reach this side)"));
                return;
            }
        }
        System.out.println("SettingsCrashIT: " + acked + " acknowledged writes; database matches NO prefix of the writes");
        assertThat(actual).as("state after %d acknowledged writes", acked).isEqualTo(snapshot(replay(prefix, acked), prefix));
    }

    /** ACK lines the child may have printed that did not reach this side before it was killed. */
    private static final int MAX_UNSEEN_ACKS = 3;

    private static SettingsStore replay(String prefix, int n) {
        SettingsStore memory = new InMemorySettingsStore();
        for (int i = 1; i <= n; i++) {
            CrashWorkload.write(memory, prefix, i).join();
        }
        return memory;
    }

    /** Settings, contacts and blocks of every workload user, as comparable values. */
    private static List<Object> snapshot(SettingsStore store, String prefix) throws Exception {
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < CrashWorkload.USERS; k++) {
            String u = CrashWorkload.user(prefix, k);
            UserSettings s = get(store.get(u));
            Set<String> contacts = get(store.contacts(u));
            Set<String> blocks = get(store.blocks(u));
            out.add(List.of(u, s, contacts, blocks));
        }
        return out;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The child JVM and the acknowledgements read from its stdout. */
    private static final class Child {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Thread reader;
        private final Path stderr;
        private int acked;

        private Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the child died
                }
                lines.add("<EOF>");
            }, "crash-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(Path tmp, String mode, String target, String prefix) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path stderr = Files.createTempFile(tmp, "child-", ".err");
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), mode, target, prefix)
                    .redirectError(stderr.toFile())
                    .start();
            return new Child(p, stderr);
        }

        void awaitAcks(int n) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acked < n) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals("<EOF>")) {
                    process.destroyForcibly();
                    throw new AssertionError("child stopped after " + acked + " acks: "
                            + (line == null ? "timeout" : "exit " + process.waitFor()) + "\n" + Files.readString(stderr));
                }
                accept(line);
            }
        }

        /**
         * SIGKILL (Process.destroyForcibly on Linux), then wait for the process to be gone. The child may have
         * died on its own already when its database server was killed first.
         */
        void kill(boolean mustStillRun) throws InterruptedException {
            boolean wasAlive = process.isAlive();
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (mustStillRun) {
                assertThat(wasAlive).as("child still writing when killed").isTrue();
                assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            }
        }

        /** Reads what the child printed before it died; returns the number of the last acknowledged write. */
        int drainAcks() throws Exception {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            for (String line; (line = lines.poll()) != null; ) {
                if (!line.equals("<EOF>")) {
                    accept(line);
                }
            }
            return acked;
        }

        private void accept(String line) {
            if (line.equals("READY")) {
                return;
            }
            if (line.equals("ACK " + (acked + 1))) {
                acked++;
            } else if (!line.startsWith("ACK ")) {
                System.out.println("SettingsCrashIT: child said: " + line);
            }
            // anything else would be a line cut by the kill: not an acknowledgement
        }
    }
}
