package io.beacon.bench;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The scenarios of the harness: six side by side with the peers, and {@link RoomsScenario rooms} (Beacon only). */
public final class Scenarios {
    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(new Memory(), new Latency(), new Fanout(), new Detect(), new Reconnect(), new Heartbeat(),
                new RoomsScenario(), new io.beacon.bench.cluster.ClusterRedisScenario(), new io.beacon.bench.cluster.ClusterScenario());
    }

    public static Scenario byName(String name) {
        for (Scenario s : all()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario \"" + name + "\"; one of memory, latency, fanout, detect, reconnect, heartbeat, rooms, cluster-redis, cluster");
    }

    public static Map<String, Object> params(Map<String, String> overrides, Object... kv) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        overrides.forEach((k, v) -> {
            if (!p.containsKey(k)) {
                throw new IllegalArgumentException("unknown parameter \"" + k + "\"; this scenario takes " + p.keySet());
            }
            p.put(k, Long.parseLong(v));
        });
        return p;
    }

    /** The ring of the scenario's {@code sessions}, each seeing {@code contacts} neighbours. */
    static int[][] ringContacts(Map<String, Object> p) {
        return ringContacts(Scenario.intParam(p, "sessions"), Scenario.intParam(p, "contacts") / 2);
    }

    static int[][] ringContacts(int n, int k) {
        int[][] c = new int[n][];
        for (int i = 0; i < n; i++) {
            c[i] = Fleet.ring(i, n, k);
        }
        return c;
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    static Map<String, Object> row(PresenceSystem system, int sessions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", system.name());
        r.put("sessions", sessions);
        return r;
    }

    public static void putLatency(Map<String, Object> r, Histogram h) {
        r.put("p50_ms", Recorder.ms(h.getValueAtPercentile(50)));
        r.put("p99_ms", Recorder.ms(h.getValueAtPercentile(99)));
        r.put("p999_ms", Recorder.ms(h.getValueAtPercentile(99.9)));
        r.put("max_ms", Recorder.ms(h.getMaxValue()));
        r.put("samples", h.getTotalCount());
    }

    static Attachable attachable(PresenceSystem system) {
        if (system instanceof Attachable a) {
            return a;
        }
        throw new IllegalArgumentException(system.name() + " cannot run its clients in generator processes yet; use generators=0");
    }

    static SystemSettings fast(Map<String, Object> p) {
        return new SystemSettings(Duration.ofMillis(((Number) p.get("heartbeat_ms")).longValue()),
                Duration.ofMillis(((Number) p.get("ttl_ms")).longValue()),
                Duration.ofMillis(((Number) p.get("grace_ms")).longValue()));
    }

    // ------------------------------------------------------------------ memory

    /** N idle logged-in sessions, each watching 20 others: RSS (and heap for Beacon) per session. */
    static final class Memory implements Scenario {
        public String name() {
            return "memory";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 3_000 : 10_000, "contacts", 20, "generators", 0);
        }

        public int[][] contacts(Map<String, Object> p) {
            return ringContacts(p);
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            long pid = system.pid();
            warmUp(system, clients, n, k, progress);
            JvmHeap.Reading before = JvmHeap.read(system.name(), pid);
            int g = Scenario.intParam(p, "generators");
            try (Fleet fleet = new Fleet(system.driver(clients));
                 Generators gens = g > 0 ? Generators.start(system.name(), attachable(system).endpoint(), g, n,
                         2 * k, SystemSettings.DEFAULTS.heartbeatInterval(), progress) : null) {
                if (gens == null) {
                    List<ClientSession> s = fleet.connect(0, n, new Recorder(), progress, system.name());
                    fleet.watch(s, u -> Fleet.ring(u, n, k), progress);
                    fleet.startHeartbeats(SystemSettings.DEFAULTS.heartbeatInterval());
                }
                progress.update(system.name() + " settling");
                sleep(Duration.ofSeconds(3));
                JvmHeap.Reading after = JvmHeap.read(system.name(), pid);
                Map<String, Object> r = row(system, n);
                r.put("rss_kb_per_session", Math.round((after.rssKb() - before.rssKb()) * 10.0 / n) / 10.0);
                r.put("rss_mb_total", Math.round(after.rssKb() / 102.4) / 10.0);
                if (after.heapBytes() >= 0) {
                    r.put("heap_bytes_per_session", Math.round((after.heapBytes() - before.heapBytes()) / (double) n));
                }
                return r;
            }
        }
    }

    /**
     * Connects, subscribes and cleanly closes a few hundred sessions before the baseline is read, so the
     * per-session figure does not carry one-off costs (JIT-compiled code, first buffers, pools).
     */
    static void warmUp(PresenceSystem system, EventLoopGroup clients, int n, int k, Progress progress) throws Exception {
        int w = Math.min(500, n);
        try (Fleet fleet = new Fleet(system.driver(clients))) {
            List<ClientSession> s = fleet.connect(0, w, new Recorder(), progress, system.name() + " warm-up");
            fleet.watch(s, u -> Fleet.ring(u, n, k), progress);
            List<java.util.concurrent.CompletableFuture<Void>> closing = new ArrayList<>();
            for (ClientSession c : s) {
                fleet.forget(c);
                closing.add(c.close());
            }
            java.util.concurrent.CompletableFuture.allOf(closing.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
        }
        progress.update(system.name() + " warm-up done, waiting out the offline grace");
        sleep(SystemSettings.DEFAULTS.offlineGrace().plusSeconds(2));
    }

    // ------------------------------------------------------------------ latency

    /** N sessions watching 20 each; K status changes per second; change → watcher delivery latency. */
    static final class Latency implements Scenario {
        public String name() {
            return "latency";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 2_000 : 10_000, "contacts", 20,
                    "changes_per_s", quick ? 500 : 1_000, "warmup_s", quick ? 3 : 10, "seconds", quick ? 10 : 60,
                    "generators", 0);
        }

        public int[][] contacts(Map<String, Object> p) {
            return ringContacts(p);
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            int rate = Scenario.intParam(p, "changes_per_s");
            int g = Scenario.intParam(p, "generators");
            if (g > 0) {
                return inGenerators(system, p, n, k, rate, g, progress);
            }
            Recorder rec = new Recorder();
            try (Fleet fleet = new Fleet(system.driver(clients))) {
                List<ClientSession> s = fleet.connect(0, n, rec, progress, system.name());
                fleet.watch(s, u -> Fleet.ring(u, n, k), progress);
                fleet.startHeartbeats(SystemSettings.DEFAULTS.heartbeatInterval());
                pace(s, rate, Duration.ofSeconds(Scenario.intParam(p, "warmup_s")), progress, system.name() + " warm-up");
                rec.start();
                long t0 = System.nanoTime();
                long published = pace(s, rate, Duration.ofSeconds(Scenario.intParam(p, "seconds")), progress, system.name() + " measuring");
                sleep(Duration.ofSeconds(2)); // let the last deliveries arrive
                rec.stop();
                double seconds = (System.nanoTime() - t0) / 1e9 - 2;
                Histogram h = rec.latency();
                Map<String, Object> r = row(system, n);
                putLatency(r, h);
                r.put("changes", published);
                r.put("deliveries_per_s", Math.round(rec.deliveries.sum() / seconds));
                r.put("delivered_ratio", Math.round(rec.deliveries.sum() * 1000.0 / Math.max(1, published * 2L * k)) / 1000.0);
                r.put("rss_mb_total", Math.round(Processes.rssKb(system.pid()) / 102.4) / 10.0);
                return r;
            }
        }

        private Map<String, Object> inGenerators(PresenceSystem system, Map<String, Object> p, int n, int k, int rate, int g,
                                                 Progress progress) throws Exception {
            try (Generators gens = Generators.start(system.name(), attachable(system).endpoint(), g, n, 2 * k,
                    SystemSettings.DEFAULTS.heartbeatInterval(), progress)) {
                progress.update(system.name() + " warm-up in " + gens.size() + " generator processes");
                gens.pace(rate, Duration.ofSeconds(Scenario.intParam(p, "warmup_s")));
                progress.update(system.name() + " measuring in " + gens.size() + " generator processes");
                int seconds = Scenario.intParam(p, "seconds");
                Generators.Result res = gens.pace(rate, Duration.ofSeconds(seconds));
                Map<String, Object> r = row(system, n);
                putLatency(r, res.latency());
                r.put("changes", res.published());
                r.put("deliveries_per_s", Math.round(res.deliveries() / (double) seconds));
                r.put("delivered_ratio", Math.round(res.deliveries() * 1000.0 / Math.max(1, res.published() * 2L * k)) / 1000.0);
                r.put("rss_mb_total", Math.round(Processes.rssKb(system.pid()) / 102.4) / 10.0);
                r.put("generators", gens.size());
                return r;
            }
        }

        /** Publishes {@code rate} changes per second from random sessions for the duration. */
        static long pace(List<ClientSession> s, int rate, Duration d, Progress progress, String what) throws InterruptedException {
            long start = System.nanoTime();
            long end = start + d.toNanos();
            long intervalNanos = 1_000_000_000L / rate;
            long next = start;
            long count = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    return count;
                }
                while (next <= now) {
                    s.get(rnd.nextInt(s.size())).publishStatus(Tokens.now());
                    count++;
                    next += intervalNanos;
                }
                if (count % rate == 0) {
                    progress.update(what + " " + (now - start) / 1_000_000_000L + "/" + d.toSeconds() + " s");
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(1_000_000, next - now));
            }
        }
    }

    // ------------------------------------------------------------------ fanout

    /**
     * One user watched by everyone else changes B times back to back; then every user changes at once
     * (each watched by 20). Deliveries per second until the last one arrived.
     */
    static final class Fanout implements Scenario {
        public String name() {
            return "fanout";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 2_000 : 10_000, "changes", quick ? 50 : 200, "contacts", 20);
        }

        public int[][] contacts(Map<String, Object> p) {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            int[][] c = new int[n][];
            int[] everyone = new int[n - 1];
            for (int i = 1; i < n; i++) {
                everyone[i - 1] = i;
            }
            c[0] = everyone;
            for (int i = 1; i < n; i++) {
                Set<Integer> set = new HashSet<>();
                for (int x : Fleet.ring(i, n, k)) {
                    set.add(x);
                }
                set.add(0);
                c[i] = set.stream().mapToInt(Integer::intValue).toArray();
            }
            return c;
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int changes = Scenario.intParam(p, "changes");
            int[][] contacts = contacts(p);
            Recorder rec = new Recorder();
            try (Fleet fleet = new Fleet(system.driver(clients))) {
                List<ClientSession> s = fleet.connect(0, n, rec, progress, system.name());
                fleet.watch(s, u -> contacts[u], progress);
                fleet.startHeartbeats(SystemSettings.DEFAULTS.heartbeatInterval());
                sleep(Duration.ofSeconds(1));

                // one to many
                rec.start();
                long t0 = System.nanoTime();
                for (int i = 0; i < changes; i++) {
                    s.get(0).publishStatus(Tokens.now());
                }
                long expected = (long) changes * (n - 1);
                awaitDeliveries(rec, expected, Duration.ofSeconds(60), progress, system.name() + " one-to-many");
                long oneToMany = rec.deliveries.sum();
                double e1 = (rec.lastDeliveryNanos.get() - t0) / 1e9;
                Histogram h = rec.latency();
                rec.stop();
                sleep(Duration.ofSeconds(1));

                // storm: everyone changes at once
                rec.start();
                long t1 = System.nanoTime();
                long expected2 = 0;
                for (ClientSession c : s) {
                    c.publishStatus(Tokens.now());
                    expected2 += contacts[c.user()].length;
                }
                awaitDeliveries(rec, expected2, Duration.ofSeconds(60), progress, system.name() + " storm");
                long storm = rec.deliveries.sum();
                double e2 = (rec.lastDeliveryNanos.get() - t1) / 1e9;
                rec.stop();

                Map<String, Object> r = row(system, n);
                r.put("deliveries_per_s", Math.round(oneToMany / Math.max(e1, 1e-6)));
                r.put("delivered_ratio", Math.round(oneToMany * 1000.0 / expected) / 1000.0);
                putLatency(r, h);
                r.put("storm_deliveries_per_s", Math.round(storm / Math.max(e2, 1e-6)));
                r.put("storm_delivered_ratio", Math.round(storm * 1000.0 / expected2) / 1000.0);
                return r;
            }
        }

        static void awaitDeliveries(Recorder rec, long expected, Duration timeout, Progress progress, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long last = -1;
            long lastChange = System.nanoTime();
            while (System.nanoTime() < deadline) {
                long got = rec.deliveries.sum();
                if (got >= expected) {
                    return;
                }
                if (got != last) {
                    last = got;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > 5_000_000_000L) {
                    return; // nothing new for 5 s: what was lost is lost (the ratio says how much)
                }
                progress.update(what + " " + got + "/" + expected);
                Thread.sleep(20);
            }
        }
    }

    // ------------------------------------------------------------------ detect

    /**
     * Clients that die without closing: some go silent (socket open, nothing sent: a lost network),
     * some are killed (the kernel closes the socket). Time until their watchers see offline.
     */
    static final class Detect implements Scenario {
        public String name() {
            return "detect";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 200 : 1_000, "victims", quick ? 20 : 100, "contacts", 20,
                    "heartbeat_ms", quick ? 4_000 : 15_000, "ttl_ms", quick ? 10_000 : 40_000, "grace_ms", quick ? 2_000 : 5_000);
        }

        public SystemSettings settings(Map<String, Object> p) {
            return fast(p);
        }

        public int[][] contacts(Map<String, Object> p) {
            return ringContacts(p);
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            int victims = Scenario.intParam(p, "victims");
            SystemSettings st = fast(p);
            Map<Integer, Long> diedAt = new ConcurrentHashMap<>();
            Map<Integer, Long> seenAt = new ConcurrentHashMap<>();
            Recorder rec = new Recorder();
            rec.also((from, online, token, now) -> {
                if (!online && diedAt.containsKey(from)) {
                    seenAt.putIfAbsent(from, now);
                }
            });
            try (Fleet fleet = new Fleet(system.driver(clients))) {
                List<ClientSession> s = fleet.connect(0, n, rec, progress, system.name());
                fleet.watch(s, u -> Fleet.ring(u, n, k), progress);
                fleet.startHeartbeats(st.heartbeatInterval());
                sleep(st.heartbeatInterval().plusSeconds(1));
                int step = n / victims;
                List<Integer> silent = new ArrayList<>();
                List<Integer> killed = new ArrayList<>();
                for (int i = 0; i < victims; i++) {
                    int u = i * step;
                    ClientSession v = s.get(u);
                    fleet.forget(v);
                    diedAt.put(u, System.nanoTime());
                    if (i % 2 == 0) {
                        v.freeze();
                        silent.add(u);
                    } else {
                        v.kill();
                        killed.add(u);
                    }
                }
                long limit = st.sessionTtl().multipliedBy(2).plus(st.offlineGrace()).plusSeconds(10).toNanos();
                long start = System.nanoTime();
                while (seenAt.size() < victims && System.nanoTime() - start < limit) {
                    progress.update(system.name() + " waiting for offline " + seenAt.size() + "/" + victims + " ("
                            + (System.nanoTime() - start) / 1_000_000_000L + " s)");
                    Thread.sleep(100);
                }
                Map<String, Object> r = row(system, n);
                r.put("session_ttl_s", st.sessionTtl().toSeconds());
                putDetect(r, "silent", silent, diedAt, seenAt);
                putDetect(r, "killed", killed, diedAt, seenAt);
                return r;
            }
        }

        static void putDetect(Map<String, Object> r, String kind, List<Integer> who, Map<Integer, Long> died, Map<Integer, Long> seen) {
            List<Double> secs = new ArrayList<>();
            for (int u : who) {
                Long s = seen.get(u);
                if (s != null) {
                    secs.add((s - died.get(u)) / 1e9);
                }
            }
            secs.sort(Double::compare);
            r.put(kind + "_detected", secs.size() + "/" + who.size());
            r.put(kind + "_p50_s", secs.isEmpty() ? null : Math.round(secs.get(secs.size() / 2) * 100) / 100.0);
            r.put(kind + "_max_s", secs.isEmpty() ? null : Math.round(secs.get(secs.size() - 1) * 100) / 100.0);
            r.put(kind + "_all_s", secs.stream().map(x -> Math.round(x * 100) / 100.0).toList());
        }
    }

    // ------------------------------------------------------------------ reconnect

    /**
     * All sessions drop at once and reconnect within a few seconds; watchers that stay count the false
     * offline events they see, and the time until every dropped session is back.
     */
    static final class Reconnect implements Scenario {
        public String name() {
            return "reconnect";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 1_000 : 5_000, "contacts", 20, "spread_ms", 3_000,
                    "heartbeat_ms", 15_000, "ttl_ms", 40_000, "grace_ms", 5_000);
        }

        public SystemSettings settings(Map<String, Object> p) {
            return fast(p);
        }

        /** Watcher {@code n+i} and dropper {@code i} see each other, and each the other side's 2k neighbours. */
        public int[][] contacts(Map<String, Object> p) {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            int[][] c = new int[2 * n][];
            for (int i = 0; i < n; i++) {
                int[] droppers = new int[2 * k];
                int[] watchers = new int[2 * k];
                for (int d = 0; d < k; d++) {
                    droppers[2 * d] = Math.floorMod(i + d, n);
                    droppers[2 * d + 1] = Math.floorMod(i - d - 1, n);
                    watchers[2 * d] = n + Math.floorMod(i - d, n);
                    watchers[2 * d + 1] = n + Math.floorMod(i + d + 1, n);
                }
                c[n + i] = droppers;
                c[i] = watchers;
            }
            return c;
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int k = Scenario.intParam(p, "contacts") / 2;
            int spread = Scenario.intParam(p, "spread_ms");
            // users 0..n-1 drop and come back; users n..2n-1 stay and watch the droppers
            Recorder rec = new Recorder();
            try (Fleet fleet = new Fleet(system.driver(clients))) {
                List<ClientSession> droppers = fleet.connect(0, n, new Recorder(), progress, system.name() + " droppers");
                List<ClientSession> watchers = fleet.connect(n, n, rec, progress, system.name() + " watchers");
                int[][] contacts = contacts(p);
                fleet.watch(watchers, u -> contacts[u], progress);
                fleet.watch(droppers, u -> contacts[u], progress);
                fleet.startHeartbeats(fast(p).heartbeatInterval());
                sleep(Duration.ofSeconds(1));
                rec.start();
                long t0 = System.nanoTime();
                for (ClientSession d : droppers) {
                    fleet.forget(d);
                    d.kill();
                }
                List<java.util.concurrent.CompletableFuture<ClientSession>> back = new ArrayList<>();
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                java.util.concurrent.ScheduledExecutorService ex = java.util.concurrent.Executors.newScheduledThreadPool(2);
                try {
                    for (ClientSession d : droppers) {
                        java.util.concurrent.CompletableFuture<ClientSession> f = new java.util.concurrent.CompletableFuture<>();
                        ex.schedule(() -> d.reconnect().whenComplete((ok, e) -> {
                            if (e != null) {
                                f.completeExceptionally(e);
                            } else {
                                fleet.adopt(ok);
                                f.complete(ok);
                            }
                        }), rnd.nextInt(200, Math.max(201, spread)), TimeUnit.MILLISECONDS);
                        back.add(f);
                    }
                    int failed = 0;
                    for (var f : back) {
                        try {
                            f.get(60, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            failed++;
                        }
                    }
                    double settle = (System.nanoTime() - t0) / 1e9;
                    progress.update(system.name() + " watching for late offline events");
                    sleep(fast(p).offlineGrace().plusSeconds(3));
                    rec.stop();
                    Map<String, Object> r = row(system, 2 * n);
                    r.put("dropped", n);
                    r.put("reconnect_failures", failed);
                    r.put("watched_pairs", (long) n * 2 * k);
                    r.put("false_offline_events", rec.offlineEvents.sum());
                    r.put("settle_s", Math.round(settle * 100) / 100.0);
                    return r;
                } finally {
                    ex.shutdownNow();
                }
            }
        }
    }

    // ------------------------------------------------------------------ heartbeat

    /** Server CPU microseconds per heartbeat: N sessions heartbeating fast, minus the idle CPU. */
    static final class Heartbeat implements Scenario {
        public String name() {
            return "heartbeat";
        }

        public Map<String, Object> params(boolean quick, Map<String, String> o) {
            return Scenarios.params(o, "sessions", quick ? 2_000 : 10_000, "interval_ms", 1_000, "seconds", quick ? 10 : 30,
                    "settle_s", quick ? 4 : 10);
        }

        public int[][] contacts(Map<String, Object> p) {
            return new int[Scenario.intParam(p, "sessions")][0];
        }

        public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
                throws Exception {
            int n = Scenario.intParam(p, "sessions");
            int seconds = Scenario.intParam(p, "seconds");
            int interval = Scenario.intParam(p, "interval_ms");
            long pid = system.pid();
            try (Fleet fleet = new Fleet(system.driver(clients))) {
                fleet.connect(0, n, new Recorder(), progress, system.name());
                progress.update(system.name() + " settling after the logins");
                // compilation and collection after the login burst are not idle cost
                sleep(Duration.ofSeconds(Scenario.intParam(p, "settle_s")));
                progress.update(system.name() + " idle CPU");
                long c0 = Processes.cpuMicros(pid);
                long w0 = System.nanoTime();
                sleep(Duration.ofSeconds(Math.max(5, seconds / 2)));
                double idlePerSecond = (Processes.cpuMicros(pid) - c0) / ((System.nanoTime() - w0) / 1e9);
                fleet.startHeartbeats(Duration.ofMillis(interval));
                sleep(Duration.ofSeconds(1));
                progress.update(system.name() + " heartbeating");
                long c1 = Processes.cpuMicros(pid);
                long w1 = System.nanoTime();
                sleep(Duration.ofSeconds(seconds));
                long cpu = Processes.cpuMicros(pid) - c1;
                double wall = (System.nanoTime() - w1) / 1e9;
                fleet.stopHeartbeats();
                double beats = n * wall * 1000.0 / interval;
                Map<String, Object> r = row(system, n);
                r.put("heartbeats_per_s", Math.round(beats / wall));
                r.put("cpu_ms_per_s_heartbeating", Math.round(cpu / wall / 100) / 10.0);
                r.put("cpu_us_per_heartbeat", Math.round(Math.max(0, cpu - idlePerSecond * wall) / beats * 100) / 100.0);
                r.put("idle_cpu_ms_per_s", Math.round(idlePerSecond / 100) / 10.0);
                return r;
            }
        }
    }
}
