package io.beacon.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The client sessions of one generator process against one system: connects them with a bounded
 * number in flight, subscribes them, and heart-beats them all from one task that walks the fleet in
 * slices (no timer per connection).
 */
public final class Fleet implements AutoCloseable {
    private static final int IN_FLIGHT = 256;

    private final ClientDriver driver;
    private final List<ClientSession> sessions = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-heartbeats");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> heartbeats;
    /** Heartbeats handed to sessions so far (a dead connection's are dropped by its session, but counted here). */
    public final java.util.concurrent.atomic.LongAdder heartbeatsSent = new java.util.concurrent.atomic.LongAdder();

    public Fleet(ClientDriver driver) {
        this.driver = driver;
    }

    /** Connects users {@code from .. from+count-1}; returns them in user order. */
    public List<ClientSession> connect(int from, int count, PresenceListener listener, Progress progress, String what)
            throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        ClientSession[] out = new ClientSession[count];
        List<CompletableFuture<ClientSession>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            slots.acquire();
            int idx = i;
            CompletableFuture<ClientSession> f = driver.connect(from + i, listener)
                    .orTimeout(60, TimeUnit.SECONDS)
                    .whenComplete((s, e) -> {
                        slots.release();
                        if (s != null) {
                            out[idx] = s;
                        }
                    });
            all.add(f);
            if ((i + 1) % 500 == 0) {
                progress.update(what + " connecting " + (i + 1) + "/" + count);
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        List<ClientSession> list = List.of(out);
        sessions.addAll(list);
        progress.update(what + " connected " + count);
        return list;
    }

    /** Every session watches {@code contacts.apply(user)}; waits for all. */
    public void watch(List<ClientSession> who, IntFunction<int[]> contacts, Progress progress) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Void>> all = new ArrayList<>(who.size());
        int n = 0;
        for (ClientSession s : who) {
            slots.acquire();
            all.add(s.watch(contacts.apply(s.user())).orTimeout(60, TimeUnit.SECONDS).whenComplete((v, e) -> slots.release()));
            if (++n % 1000 == 0) {
                progress.update("subscribing " + n + "/" + who.size());
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    }

    /** Heart-beats every session once per interval, spread evenly over it. */
    public void startHeartbeats(Duration interval) {
        stopHeartbeats();
        long slices = Math.max(1, interval.toMillis() / 50);
        long[] slice = {0};
        heartbeats = scheduler.scheduleAtFixedRate(() -> {
            List<ClientSession> snapshot;
            synchronized (sessions) {
                snapshot = new ArrayList<>(sessions);
            }
            long k = slice[0]++ % slices;
            int sent = 0;
            for (int i = (int) k; i < snapshot.size(); i += (int) slices) {
                snapshot.get(i).heartbeat();
                sent++;
            }
            heartbeatsSent.add(sent);
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    public void stopHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
            heartbeats = null;
        }
    }

    /** Forgets a session (after kill or freeze) so it is no longer heart-beaten. */
    public void forget(ClientSession s) {
        sessions.remove(s);
    }

    public void adopt(ClientSession s) {
        sessions.add(s);
    }

    public int size() {
        return sessions.size();
    }

    @Override
    public void close() {
        stopHeartbeats();
        scheduler.shutdownNow();
        List<ClientSession> snapshot;
        synchronized (sessions) {
            snapshot = new ArrayList<>(sessions);
            sessions.clear();
        }
        for (ClientSession s : snapshot) {
            s.kill();
        }
    }

    /** Symmetric ring contacts: user i sees i±1 … i±k (mod n). */
    public static int[] ring(int user, int n, int k) {
        int m = Math.min(k, (n - 1) / 2);
        int[] out = new int[2 * m];
        for (int d = 1; d <= m; d++) {
            out[2 * (d - 1)] = Math.floorMod(user + d, n);
            out[2 * (d - 1) + 1] = Math.floorMod(user - d, n);
        }
        return out;
    }
}
