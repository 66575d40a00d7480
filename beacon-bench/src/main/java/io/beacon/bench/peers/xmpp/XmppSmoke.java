package io.beacon.bench.peers.xmpp;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import io.beacon.bench.SystemSettings;
import io.beacon.bench.Tokens;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Manual smoke check of the XMPP peers against the real servers (not a unit test: it installs and
 * starts Prosody / ejabberd). For each system: start with a short TTL, provision three mutual
 * contacts, connect them, check presence and status tokens both ways, kill one (others must get
 * unavailable), freeze one (the server's dead-client detection must drop it), reconnect, close.
 *
 * <pre>
 * java -cp beacon-bench.jar io.beacon.bench.peers.xmpp.XmppSmoke [prosody] [ejabberd] [--provision N K] [--skip-smoke]
 * </pre>
 * {@code --provision N K} also times provisioning N users with K ring contacts each, then logs all N
 * in and waits until every user has seen all its contacts online.
 */
public final class XmppSmoke {
    private XmppSmoke() {
    }

    record Event(int from, boolean online, String token, long nanos) {
    }

    /** Records the presence one user receives; waits search everything since the last clear. */
    static final class Inbox implements PresenceListener {
        final int user;
        private final List<Event> events = new ArrayList<>();

        Inbox(int user) {
            this.user = user;
        }

        @Override
        public synchronized void onPresence(int from, boolean online, String token, long receivedNanos) {
            events.add(new Event(from, online, token, receivedNanos));
            notifyAll();
        }

        synchronized boolean any(Predicate<Event> p) {
            return events.stream().anyMatch(p);
        }

        synchronized void clear() {
            events.clear();
        }

        synchronized Event await(String what, Predicate<Event> p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (Event e : events) {
                    if (p.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("u" + user + " did not get " + what + " within " + timeout + "; got " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> systems = new ArrayList<>();
        int provUsers = 0;
        int provContacts = 20;
        boolean smoke = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--provision" -> {
                    provUsers = Integer.parseInt(args[++i]);
                    provContacts = Integer.parseInt(args[++i]);
                }
                case "--skip-smoke" -> smoke = false;
                default -> systems.add(args[i]);
            }
        }
        if (systems.isEmpty()) {
            systems = List.of("prosody", "ejabberd");
        }
        EventLoopGroup group = Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        int failures = 0;
        try {
            for (String name : systems) {
                if (smoke) {
                    try {
                        smoke(name, group);
                        log(name, "SMOKE OK");
                    } catch (Throwable t) {
                        failures++;
                        log(name, "SMOKE FAILED: " + t);
                        t.printStackTrace(System.out);
                    }
                }
                if (provUsers > 0) {
                    try {
                        provisionBench(name, group, provUsers, provContacts);
                    } catch (Throwable t) {
                        failures++;
                        log(name, "PROVISION BENCH FAILED: " + t);
                        t.printStackTrace(System.out);
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        System.out.println(failures == 0 ? "ALL OK" : failures + " FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    static XmppSystem create(String name) {
        return switch (name) {
            case "prosody" -> new ProsodySystem();
            case "ejabberd" -> new EjabberdSystem();
            default -> throw new IllegalArgumentException("prosody or ejabberd, not " + name);
        };
    }

    private static void log(String system, String msg) {
        System.out.printf("[%s] %s%n", system, msg);
        System.out.flush();
    }

    static void smoke(String name, EventLoopGroup group) throws Exception {
        Duration hb = Duration.ofSeconds(2);
        Duration ttl = Duration.ofSeconds(6);
        Duration wait = Duration.ofSeconds(10);
        try (XmppSystem sys = create(name)) {
            sys.start(new SystemSettings(hb, ttl, Duration.ofSeconds(1)));
            log(name, "started in " + sys.startMillis + " ms: pid " + sys.pid() + " (" + XmppServers.exeName(sys.pid())
                    + "), port " + sys.port() + ", open files " + XmppServers.openFileLimitOf(sys.pid()) + ", dir " + sys.dir());
            sys.provision(3, new int[][] {{1, 2}, {0, 2}, {0, 1}});
            log(name, "provisioned 3 users in " + sys.provisionMillis + " ms");
            ClientDriver driver = sys.driver(group);
            Inbox[] in = {new Inbox(0), new Inbox(1), new Inbox(2)};
            ClientSession[] s = new ClientSession[3];
            for (int u = 0; u < 3; u++) {
                long t0 = System.nanoTime();
                s[u] = driver.connect(u, in[u]).get(15, TimeUnit.SECONDS);
                log(name, "u" + u + " logged in in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
            for (int u = 0; u < 3; u++) {
                for (int c = 0; c < 3; c++) {
                    if (c != u) {
                        int from = c;
                        Event e = in[u].await("online presence of u" + c, ev -> ev.from() == from && ev.online(), wait);
                        log(name, "u" + u + " sees u" + c + " online, status " + e.token());
                    }
                }
            }
            drain(in);

            String tok = Tokens.now();
            s[0].publishStatus(tok);
            for (int u : new int[] {1, 2}) {
                Event e = in[u].await("token " + tok + " from u0", ev -> ev.from() == 0 && ev.online() && tok.equals(ev.token()), wait);
                log(name, "u" + u + " got u0's token after " + micros(e.nanos() - Tokens.sentNanos(tok)) + " us");
            }
            String tok2 = Tokens.now();
            s[1].publishStatus(tok2);
            Event back = in[0].await("token from u1", ev -> ev.from() == 1 && ev.online() && tok2.equals(ev.token()), wait);
            log(name, "u0 got u1's token after " + micros(back.nanos() - Tokens.sentNanos(tok2)) + " us");
            drain(in);

            long killed = System.nanoTime();
            s[2].kill();
            for (int u : new int[] {0, 1}) {
                Event e = in[u].await("unavailable of u2 after kill", ev -> ev.from() == 2 && !ev.online(), wait);
                log(name, "u" + u + " got u2 unavailable " + (e.nanos() - killed) / 1_000_000 + " ms after kill()");
            }

            long t0 = System.nanoTime();
            s[2].reconnect().get(15, TimeUnit.SECONDS);
            Event re = in[0].await("online of u2 after reconnect", ev -> ev.from() == 2 && ev.online(), wait);
            log(name, "u2 reconnected; u0 saw it online " + (re.nanos() - t0) / 1_000_000 + " ms after reconnect()");
            drain(in);

            // heartbeat u0 and u2, freeze u1: the server's dead-client detection must drop u1
            CompletableFuture<Void> stop = new CompletableFuture<>();
            Thread beats = Thread.ofVirtual().start(() -> {
                while (!stop.isDone()) {
                    s[0].heartbeat();
                    s[2].heartbeat();
                    try {
                        Thread.sleep(hb.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long frozen = System.nanoTime();
            s[1].freeze();
            Event dead = in[0].await("unavailable of frozen u1", ev -> ev.from() == 1 && !ev.online(),
                    ttl.plus(Duration.ofSeconds(15)));
            log(name, "u0 got frozen u1 unavailable " + (dead.nanos() - frozen) / 1_000_000 + " ms after freeze() (TTL "
                    + ttl.toMillis() + " ms)");
            boolean u2Dropped = in[2].any(ev -> ev.from() == 0 && !ev.online());
            if (u2Dropped) {
                throw new AssertionError("heart-beaten u0 was dropped");
            }
            Thread.sleep(ttl.toMillis() + 2000);
            if (in[2].any(ev -> ev.from() == 0 && !ev.online())
                    || in[0].any(ev -> ev.from() == 2 && !ev.online())) {
                throw new AssertionError("a heart-beaten session was dropped as dead");
            }
            log(name, "heart-beaten u0 and u2 stayed online for another TTL");
            stop.complete(null);
            beats.interrupt();

            s[0].close().get(10, TimeUnit.SECONDS);
            Event bye = in[2].await("unavailable of u0 after close()", ev -> ev.from() == 0 && !ev.online(), wait);
            log(name, "u2 got u0 unavailable after clean close(), status " + bye.token());
            s[2].close().get(10, TimeUnit.SECONDS);
            s[1].kill();
            log(name, "describe: " + sys.describe());
            long pid = sys.pid();
            var dir = sys.dir();
            sys.close();
            log(name, "closed: pid " + pid + " alive=" + ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    + ", dir exists=" + Files.exists(dir));
        }
    }

    private static void drain(Inbox[] in) throws InterruptedException {
        Thread.sleep(300);
        for (Inbox i : in) {
            i.clear();
        }
    }

    private static long micros(long nanos) {
        return nanos / 1000;
    }

    /** Provisions users × contacts (ring), then logs everyone in and waits for all contacts online. */
    static void provisionBench(String name, EventLoopGroup group, int users, int contacts) throws Exception {
        try (XmppSystem sys = create(name)) {
            sys.start(SystemSettings.DEFAULTS);
            int half = contacts / 2;
            int[][] ring = new int[users][];
            for (int u = 0; u < users; u++) {
                ring[u] = new int[2 * half];
                for (int d = 1; d <= half; d++) {
                    ring[u][2 * (d - 1)] = Math.floorMod(u + d, users);
                    ring[u][2 * (d - 1) + 1] = Math.floorMod(u - d, users);
                }
            }
            long t0 = System.nanoTime();
            sys.provision(users, ring);
            long provMs = (System.nanoTime() - t0) / 1_000_000;
            log(name, "provisioned " + users + " users x " + contacts + " contacts (" + sys.provisionedItems
                    + " roster items) in " + provMs + " ms");

            BitSet[] seen = new BitSet[users];
            for (int u = 0; u < users; u++) {
                seen[u] = new BitSet();
            }
            AtomicLong pairs = new AtomicLong();
            ClientDriver driver = sys.driver(group);
            Semaphore slots = new Semaphore(256);
            List<CompletableFuture<ClientSession>> all = new ArrayList<>(users);
            List<ClientSession> live = java.util.Collections.synchronizedList(new ArrayList<>());
            // heartbeat every session once per interval, as the harness does, or the TTL drops them
            long interval = SystemSettings.DEFAULTS.heartbeatInterval().toMillis();
            java.util.concurrent.ScheduledExecutorService beat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            long[] tick = {0};
            beat.scheduleAtFixedRate(() -> {
                List<ClientSession> snap;
                synchronized (live) {
                    snap = new ArrayList<>(live);
                }
                long slices = interval / 100;
                for (int i = (int) (tick[0]++ % slices); i < snap.size(); i += (int) slices) {
                    snap.get(i).heartbeat();
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            long c0 = System.nanoTime();
            long cpu0 = cpuMillis(sys.pid());
            for (int u = 0; u < users; u++) {
                int me = u;
                slots.acquire();
                PresenceListener l = (from, online, token, nanos) -> {
                    if (online) {
                        synchronized (seen[me]) {
                            if (!seen[me].get(from)) {
                                seen[me].set(from);
                                pairs.incrementAndGet();
                            }
                        }
                    }
                };
                all.add(driver.connect(u, l).orTimeout(60, TimeUnit.SECONDS).whenComplete((x, e) -> {
                    slots.release();
                    if (x != null) {
                        live.add(x);
                    }
                }));
                if ((u + 1) % 2000 == 0) {
                    log(name, "  " + (u + 1) + " connecting after " + (System.nanoTime() - c0) / 1_000_000 + " ms, pairs " + pairs.get());
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            long connMs = (System.nanoTime() - c0) / 1_000_000;
            long expected = sys.provisionedItems;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long lastLog = System.nanoTime();
            while (pairs.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(100);
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    lastLog = System.nanoTime();
                    log(name, "  pairs " + pairs.get() + "/" + expected + " after " + (lastLog - c0) / 1_000_000 + " ms");
                }
            }
            long allMs = (System.nanoTime() - c0) / 1_000_000;
            log(name, "logged in " + users + " users in " + connMs + " ms; " + pairs.get() + "/" + expected
                    + " contact-online pairs seen after " + allMs + " ms; server CPU " + (cpuMillis(sys.pid()) - cpu0)
                    + " ms, RSS " + rssKb(sys.pid()) + " KB");
            beat.shutdownNow();
            if (pairs.get() < expected) {
                for (String f : List.of("ejabberd.log", "prosody.log", "console.log")) {
                    java.nio.file.Path p = sys.dir().resolve(f);
                    if (Files.exists(p)) {
                        log(name, f + ":\n" + XmppServers.tail(p, 3000));
                    }
                }
                throw new AssertionError("missing presence: " + pairs.get() + "/" + expected);
            }
            for (CompletableFuture<ClientSession> f : all) {
                f.get().kill();
            }
            log(name, "describe: " + sys.describe());
        }
    }

    private static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // USER_HZ 100
        } catch (Exception e) {
            return -1;
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }
}
