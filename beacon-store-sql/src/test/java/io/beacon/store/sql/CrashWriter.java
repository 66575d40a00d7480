package io.beacon.store.sql;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link SettingsCrashIT}: opens the store, then issues the {@link CrashWorkload}
 * writes one after another and prints {@code ACK <n>} (flushed) as soon as write {@code n}'s future has
 * completed, until it is killed.
 *
 * <p>Arguments: {@code sqlite <dataDir> <prefix>} or {@code postgres <jdbcUrl> <prefix>}.
 */
public final class CrashWriter {
    private CrashWriter() {
    }

    /** Runs until killed (or for at most ten minutes). */
    public static void main(String[] args) throws Exception {
        String prefix = args[2];
        SqlSettingsStore store = switch (args[0]) {
            case "sqlite" -> SqlSettingsStore.sqlite(Path.of(args[1]));
            case "postgres" -> SqlSettingsStore.postgres(args[1]);
            default -> throw new IllegalArgumentException("sqlite|postgres, not " + args[0]);
        };
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        for (int i = 1; System.nanoTime() < deadline; i++) {
            CrashWorkload.write(store, prefix, i).get(30, TimeUnit.SECONDS);
            System.out.println("ACK " + i);
            System.out.flush();
        }
        store.close();
    }
}
