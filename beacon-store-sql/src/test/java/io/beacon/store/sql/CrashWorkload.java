package io.beacon.store.sql;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.ManualStatus;
import io.beacon.settings.LastSeenPrecision;
import io.beacon.settings.SettingsStore;
import io.beacon.settings.Visibility;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The deterministic sequence of writes of the crash test: write {@code i} depends only on {@code i}, so
 * the checker can replay writes {@code 1..n} on an {@link io.beacon.settings.InMemorySettingsStore} and
 * compare. It covers every durable kind of write: privacy, manual status, custom status (set and
 * cleared), contacts and blocks (replaced and patched). Last seen is left out: it is written behind and may
 * lose the final second by design.
 */
final class CrashWorkload {
    /** How many users the writes spread over. */
    static final int USERS = 7;
    private static final int PEERS = 12;

    private CrashWorkload() {
    }

    static String user(String prefix, int k) {
        return prefix + "user-" + k;
    }

    /** Issues write number {@code i} (1-based) on the store. */
    static CompletableFuture<Void> write(SettingsStore store, String prefix, int i) {
        Random r = new Random(i * 7_919L + 17);
        String u = user(prefix, i % USERS);
        return switch (i % 7) {
            case 0 -> store.setPrivacy(u, visibility(r), visibility(r),
                    r.nextBoolean() ? LastSeenPrecision.EXACT : LastSeenPrecision.APPROXIMATE);
            case 1 -> store.setManual(u, ManualStatus.values()[r.nextInt(ManualStatus.values().length)]);
            case 2 -> store.setCustomStatus(u, r.nextInt(4) == 0 ? null
                    : new CustomStatus("status #" + i, r.nextBoolean() ? "🎧" : null, r.nextBoolean() ? 0 : 1_700_000_000_000L + i));
            case 3 -> store.setContacts(u, peers(prefix, r, u));
            case 4 -> store.patchContacts(u, peers(prefix, r, u), peers(prefix, r, u));
            case 5 -> store.setBlocks(u, peers(prefix, r, u));
            default -> store.patchBlocks(u, peers(prefix, r, u), peers(prefix, r, u));
        };
    }

    private static Visibility visibility(Random r) {
        int k = r.nextInt(4);
        return k == 3 ? null : Visibility.values()[k];
    }

    /** A random subset of the peers, sometimes with the user themself (which the store must drop). */
    private static List<String> peers(String prefix, Random r, String self) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < PEERS; k++) {
            if (r.nextInt(3) == 0) {
                out.add(prefix + "peer-" + k);
            }
        }
        if (r.nextInt(5) == 0) {
            out.add(self);
        }
        return out;
    }
}
