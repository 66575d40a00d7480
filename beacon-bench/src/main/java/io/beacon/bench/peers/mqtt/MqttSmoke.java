package io.beacon.bench.peers.mqtt;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.SystemSettings;
import io.beacon.bench.Tokens;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A manual end-to-end check of the Mosquitto peer (not a unit test: it starts a broker). Three users
 * watch each other; checks online presence, tokens in both directions, and that {@code kill()} (the
 * will on FIN), {@code reconnect()}, {@code freeze()} (the will after the keepalive timeout: keepalive
 * 2 s, dropped 3–9 s after the last ping since mosquitto scans keepalives every 5 s) and a clean
 * {@code close()} reach the others.
 *
 * <pre>
 * java -cp beacon-bench/target/beacon-bench.jar io.beacon.bench.peers.mqtt.MqttSmoke
 * </pre>
 */
public final class MqttSmoke {
    private record Event(int from, boolean online, String token, long nanos) {
    }

    private static final int USERS = 3;
    private static final long WAIT_MS = 15_000;

    @SuppressWarnings("unchecked")
    private final LinkedBlockingQueue<Event>[] inbox = new LinkedBlockingQueue[USERS];
    private final ClientSession[] sessions = new ClientSession[USERS];
    private final boolean[] silent = new boolean[USERS];
    private int failures;

    public static void main(String[] args) throws Exception {
        System.exit(new MqttSmoke().run());
    }

    private int run() throws Exception {
        // sessionTtl 3 s → keepalive 2 s → the broker drops a silent client after 3 s
        SystemSettings settings = new SystemSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ZERO);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
        try (MosquittoSystem system = new MosquittoSystem()) {
            system.start(settings);
            Map<String, Object> d = new java.util.LinkedHashMap<>(system.describe());
            d.remove("config");
            System.out.println("started mosquitto pid " + system.pid() + ": " + d);
            ClientDriver driver = system.driver(group);
            System.out.println("transport: " + MqttDriver.channelClass(group).getSimpleName());

            for (int i = 0; i < USERS; i++) {
                LinkedBlockingQueue<Event> q = new LinkedBlockingQueue<>();
                inbox[i] = q;
                long t0 = System.nanoTime();
                sessions[i] = driver.connect(i, (from, online, token, nanos) -> q.add(new Event(from, online, token, nanos)))
                        .get(WAIT_MS, TimeUnit.MILLISECONDS);
                System.out.printf("u%d connected (CONNACK + PUBACK of online) in %.2f ms%n", i, ms(System.nanoTime() - t0));
            }
            for (int i = 0; i < USERS; i++) {
                sessions[i].watch(others(i)).get(WAIT_MS, TimeUnit.MILLISECONDS);
            }
            for (int i = 0; i < USERS; i++) {
                for (int j : others(i)) {
                    Event e = await(i, ev -> ev.from() == j && ev.online());
                    check(e != null, "u" + i + " sees u" + j + " online (retained)");
                    check(e == null || e.token() == null, "retained snapshot of u" + j + " carries no token");
                }
            }
            heartbeats.scheduleAtFixedRate(() -> {
                for (int i = 0; i < USERS; i++) {
                    if (!silent[i]) {
                        sessions[i].heartbeat();
                    }
                }
            }, 0, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);

            // tokens, every direction
            for (int i = 0; i < USERS; i++) {
                String token = Tokens.now();
                sessions[i].publishStatus(token);
                for (int j : others(i)) {
                    int from = i;
                    Event e = await(j, ev -> ev.from() == from && token.equals(ev.token()));
                    check(e != null && e.online(), "u" + j + " gets token of u" + i);
                    if (e != null) {
                        System.out.printf("    u%d -> u%d token latency %.3f ms%n", i, j, ms(e.nanos() - Tokens.sentNanos(token)));
                    }
                }
            }

            // kill u1: FIN, the broker publishes its will at once
            clearAll();
            long killed = System.nanoTime();
            silent[1] = true;
            sessions[1].kill();
            for (int j : new int[] {0, 2}) {
                Event e = await(j, ev -> ev.from() == 1 && !ev.online());
                check(e != null, "u" + j + " sees u1 offline after kill()");
                if (e != null) {
                    System.out.printf("    kill(): u%d saw u1 offline after %.1f ms%n", j, ms(e.nanos() - killed));
                }
            }

            // reconnect u1: online again at the others; u1 resubscribed and gets the others' state
            clearAll();
            sessions[1].reconnect().get(WAIT_MS, TimeUnit.MILLISECONDS);
            silent[1] = false;
            for (int j : new int[] {0, 2}) {
                check(await(j, ev -> ev.from() == 1 && ev.online()) != null, "u" + j + " sees u1 online after reconnect()");
                int jj = j;
                check(await(1, ev -> ev.from() == jj && ev.online()) != null, "u1 sees u" + j + " online again after reconnect()");
            }
            String t1 = Tokens.now();
            sessions[1].publishStatus(t1);
            check(await(0, ev -> ev.from() == 1 && t1.equals(ev.token())) != null, "u0 gets u1's token after reconnect()");

            // freeze u2: the socket stays open, only the broker's keepalive timeout (1.5 × 2 s, scanned every 5 s) finds it
            clearAll();
            long frozen = System.nanoTime();
            silent[2] = true;
            sessions[2].freeze();
            for (int j : new int[] {0, 1}) {
                Event e = await(j, ev -> ev.from() == 2 && !ev.online());
                check(e != null, "u" + j + " sees u2 offline after freeze()");
                if (e != null) {
                    System.out.printf("    freeze(): u%d saw u2 offline after %.1f ms (keepalive %d s)%n", j,
                            ms(e.nanos() - frozen), system.keepAliveSeconds());
                }
            }
            // nothing reaches the frozen client
            String t0 = Tokens.now();
            sessions[0].publishStatus(t0);
            check(await(1, ev -> ev.from() == 0 && t0.equals(ev.token())) != null, "u1 still gets u0's tokens");
            check(inbox[2].stream().noneMatch(ev -> t0.equals(ev.token())), "frozen u2 receives nothing");

            // clean logout of u0: retained offline, no will
            clearAll();
            long closing = System.nanoTime();
            silent[0] = true;
            sessions[0].close().get(WAIT_MS, TimeUnit.MILLISECONDS);
            Event e = await(1, ev -> ev.from() == 0 && !ev.online());
            check(e != null, "u1 sees u0 offline after close()");
            if (e != null) {
                System.out.printf("    close(): u1 saw u0 offline after %.1f ms%n", ms(e.nanos() - closing));
            }
            Thread.sleep(300);
            check(inbox[1].stream().noneMatch(ev -> ev.from() == 0), "close() publishes offline once (no will after it)");

            silent[1] = true;
            sessions[1].close().get(WAIT_MS, TimeUnit.MILLISECONDS);
            sessions[2].kill();
        } finally {
            heartbeats.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.out.println(failures == 0 ? "MQTT SMOKE: PASS" : "MQTT SMOKE: FAIL (" + failures + " checks)");
        return failures == 0 ? 0 : 1;
    }

    private static int[] others(int i) {
        List<Integer> l = new ArrayList<>();
        for (int j = 0; j < USERS; j++) {
            if (j != i) {
                l.add(j);
            }
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private Event await(int user, Predicate<Event> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Event e = inbox[user].poll(left, TimeUnit.NANOSECONDS);
            if (e != null && p.test(e)) {
                return e;
            }
        }
    }

    private void clearAll() {
        for (LinkedBlockingQueue<Event> q : inbox) {
            q.clear();
        }
    }

    private void check(boolean ok, String what) {
        System.out.println((ok ? "  ok   " : "  FAIL ") + what);
        if (!ok) {
            failures++;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
