package io.beacon.bench.cluster;

import io.beacon.bench.BenchMain;
import io.beacon.bench.Generators;
import io.beacon.bench.PresenceSystem;
import io.beacon.bench.Processes;
import io.beacon.bench.Progress;
import io.beacon.bench.Scenario;
import io.beacon.bench.Scenarios;
import io.beacon.bench.SystemSettings;
import io.beacon.bench.beacon.BeaconSystem;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code cluster} (Beacon only): {@code nodes} Beacon nodes in cluster mode on one private Redis,
 * {@code sessions} WebSocket sessions from {@code generators} generator processes (user {@code u} on
 * node {@code u mod nodes}, each watching {@code contacts} users of other nodes, so every delivery
 * crosses nodes through Redis pub/sub).
 *
 * <p>Sessions connect and subscribe at {@code connect_rate} per second in all (0: as fast as the generators
 * can): an unpaced storm of 50,000 on two cores overloads the nodes until their Redis commands time out.
 *
 * <ol>
 *   <li><b>Cross-node delivery</b>: {@code changes_per_s} status changes from random sessions for
 *   {@code seconds} (after {@code warmup_s}); latency from the change's send to each watcher's receipt.</li>
 *   <li><b>Node death</b>: {@code kill -9} of node {@code nodes − 1}. Its clients see their sockets die
 *   and do not reconnect; the watchers of its users, all on other nodes, time the {@code offline} they
 *   receive from the moment of the kill. Expected: within lease TTL + offline grace + about a second
 *   (a renewal period, the cleanup itself). Reported per victim (the first watcher to see it) and per
 *   (watcher, victim) event, with how many victims were seen offline at all, and offline events about
 *   users of live nodes (false ones).</li>
 * </ol>
 */
public final class ClusterScenario implements Scenario {
    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public Map<String, Object> params(boolean quick, Map<String, String> o) {
        Map<String, Object> p = Scenarios.params(o, "nodes", 4, "sessions", quick ? 4_000 : 50_000, "generators", quick ? 2 : 4,
                "contacts", 20, "changes_per_s", quick ? 500 : 1_000, "warmup_s", quick ? 3 : 5, "seconds", quick ? 10 : 30,
                "heartbeat_ms", 15_000, "ttl_ms", 40_000, "grace_ms", 5_000, "lease_ttl_ms", 5_000, "death_wait_s", 30,
                "connect_rate", 500);
        int nodes = Scenario.intParam(p, "nodes");
        int sessions = Scenario.intParam(p, "sessions");
        int g = Scenario.intParam(p, "generators");
        if (nodes < 2) {
            throw new IllegalArgumentException("nodes must be at least 2 (one dies, the others watch)");
        }
        if (sessions % nodes != 0) {
            throw new IllegalArgumentException("sessions (" + sessions + ") must be a multiple of nodes (" + nodes + ")");
        }
        if ((sessions + g - 1) / g >= 20_000 || sessions / nodes >= 20_000) {
            throw new IllegalArgumentException("one process may hold at most 20,000 open files: raise generators or nodes");
        }
        return p;
    }

    @Override
    public List<String> defaultSystems() {
        return List.of("beacon");
    }

    @Override
    public String notApplicable(String system) {
        return "beacon".equals(system) ? null
                : "cluster runs Beacon nodes on one Redis (cross-node delivery, node death); " + system
                  + (system.equals("baseline") ? " is compared on Redis cost in cluster-redis" : " has no such cluster mode here");
    }

    @Override
    public PresenceSystem createSystem(String system, Map<String, Object> p) {
        return system.equals("beacon") ? new ClusterSystem(ClusterSystem.Kind.BEACON, Scenario.intParam(p, "nodes"),
                Scenario.intParam(p, "lease_ttl_ms"), BeaconSystem.defaultJar(), BenchMain.serverJvmOptions()) : null;
    }

    @Override
    public SystemSettings settings(Map<String, Object> p) {
        return ClusterSystem.settings(p);
    }

    @Override
    public int[][] contacts(Map<String, Object> p) {
        return new int[0][];
    }

    @Override
    public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress) throws Exception {
        ClusterSystem cs = (ClusterSystem) system;
        int nodes = cs.nodes();
        int n = Scenario.intParam(p, "sessions");
        int g = Scenario.intParam(p, "generators");
        int contacts = Scenario.intParam(p, "contacts");
        int rate = Scenario.intParam(p, "changes_per_s");
        long lease = Scenario.intParam(p, "lease_ttl_ms");
        long grace = Scenario.intParam(p, "grace_ms");
        RedisServer redis = cs.redis();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "beacon");
        r.put("nodes", nodes);
        r.put("sessions", n);
        r.put("generators", g);
        long c0 = System.nanoTime();
        try (Generators gens = Generators.start("beacon", cs.endpoint(), g, n, contacts,
                Duration.ofMillis(Scenario.intParam(p, "heartbeat_ms")),
                List.of("--layout", "cross", "--connect-rate", Integer.toString(Math.max(0, Scenario.intParam(p, "connect_rate") / g))), progress)) {
            r.put("connect_and_subscribe_s", round1((System.nanoTime() - c0) / 1e9));
            r.put("subscribe_retries", gens.subscribeRetries());
            List<Long> fds = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                fds.add(cs.openFiles(i));
                rss.add(Math.round(Processes.rssKb(cs.nodePids().get(i)) / 102.4) / 10.0);
            }
            r.put("node_open_files", fds);
            r.put("node_rss_mb", rss);
            RedisInfo idle0 = redis.info();
            Thread.sleep(3_000);
            RedisInfo.Delta idle = redis.info().delta(idle0);
            r.put("redis_idle_cmds_per_s", Math.round(idle.totalCalls() / idle.seconds()));
            r.put("redis_idle_cpu_pct", round1(idle.cpuMicros() / 1e4 / idle.seconds()));
            r.put("redis_pubsub_channels", redis.info().number("pubsub_channels"));

            // 1. cross-node delivery
            progress.update("beacon: warm-up, " + rate + " changes/s");
            gens.pace(rate, Duration.ofSeconds(Scenario.intParam(p, "warmup_s")));
            progress.update("beacon: measuring cross-node delivery, " + rate + " changes/s for " + Scenario.intParam(p, "seconds") + " s");
            RedisInfo m0 = redis.info();
            long cpu0 = ClusterRedisScenario.nodesCpu(cs);
            Generators.Result res = gens.pace(rate, Duration.ofSeconds(Scenario.intParam(p, "seconds")));
            long cpu1 = ClusterRedisScenario.nodesCpu(cs);
            RedisInfo.Delta md = redis.info().delta(m0);
            Scenarios.putLatency(r, res.latency());
            r.put("changes", res.published());
            r.put("deliveries", res.deliveries());
            r.put("delivered_ratio", Math.round(res.deliveries() * 1000.0 / Math.max(1, res.published() * (long) contacts)) / 1000.0);
            r.put("redis_cmds_per_change", round1(md.totalCalls() / (double) Math.max(1, res.published())));
            r.put("redis_cpu_pct_changing", round1(md.cpuMicros() / 1e4 / md.seconds()));
            r.put("nodes_cpu_pct_changing", round1((cpu1 - cpu0) / 1e4 / md.seconds()));

            // 2. node death
            int victim = nodes - 1;
            int victims = n / nodes;
            long expectedEvents = (long) victims * contacts;
            progress.update("beacon: kill -9 node " + victim + " (" + victims + " sessions)");
            long killedAt = cs.kill(victim);
            gens.ask("ARM " + killedAt, "OK");
            long limit = lease + grace + Scenario.intParam(p, "death_wait_s") * 1000L;
            long events = 0;
            long lastChange = System.nanoTime();
            while ((System.nanoTime() - killedAt) / 1_000_000 < limit) {
                long e = 0;
                for (String[] x : gens.ask("OFFCOUNT", "OFFCOUNT")) {
                    e += Long.parseLong(x[1]);
                }
                if (e != events) {
                    events = e;
                    lastChange = System.nanoTime();
                }
                if (events >= expectedEvents && System.nanoTime() - lastChange > 2_000_000_000L) {
                    break; // all there, and nothing more for 2 s
                }
                progress.update("beacon: waiting for offline " + events + "/" + expectedEvents + " events, "
                        + (System.nanoTime() - killedAt) / 1_000_000_000L + " s after the kill");
                Thread.sleep(500);
            }
            Map<Integer, long[]> seen = new HashMap<>();
            Histogram pairs = new Histogram(3_600_000_000_000L, 3);
            long allEvents = 0;
            for (String[] x : gens.ask("DEATHS", "DEATHS")) {
                allEvents += Long.parseLong(x[1]);
                pairs.add(io.beacon.bench.cluster.BaselineMain.decode(x[2]));
                if (!x[3].equals("-")) {
                    for (String item : x[3].split(",")) {
                        String[] f = item.split(":");
                        long[] v = {Long.parseLong(f[1]), Long.parseLong(f[2])};
                        seen.merge(Integer.parseInt(f[0]), v, (a, b) -> new long[] {Math.min(a[0], b[0]), a[1] + b[1]});
                    }
                }
            }
            List<Long> firstMs = new ArrayList<>();
            long falseOffline = 0;
            long falseUsers = 0;
            for (Map.Entry<Integer, long[]> e : seen.entrySet()) {
                if (CrossNode.node(e.getKey(), nodes) == victim) {
                    firstMs.add(e.getValue()[0]);
                } else {
                    falseUsers++;
                    falseOffline += e.getValue()[1];
                }
            }
            firstMs.sort(Long::compare);
            r.put("killed_node", victim);
            r.put("victims", victims);
            r.put("victims_seen_offline", firstMs.size() + "/" + victims);
            r.put("death_p50_s", firstMs.isEmpty() ? null : secs(firstMs.get(firstMs.size() / 2)));
            r.put("death_p99_s", firstMs.isEmpty() ? null : secs(firstMs.get(Math.min(firstMs.size() - 1, (int) (firstMs.size() * 0.99)))));
            r.put("death_max_s", firstMs.isEmpty() ? null : secs(firstMs.get(firstMs.size() - 1)));
            r.put("death_min_s", firstMs.isEmpty() ? null : secs(firstMs.get(0)));
            r.put("offline_events", (allEvents - falseOffline) + "/" + expectedEvents);
            r.put("offline_event_p50_s", round2(pairs.getValueAtPercentile(50) / 1e9));
            r.put("offline_event_p99_s", round2(pairs.getValueAtPercentile(99) / 1e9));
            r.put("offline_event_max_s", round2(pairs.getMaxValue() / 1e9));
            r.put("false_offline_events", falseOffline);
            r.put("false_offline_users", falseUsers);
            r.put("expected_bound_s", round1((lease + grace) / 1000.0 + 1));
            r.put("lease_ttl_ms", lease);
            r.put("offline_grace_ms", grace);
        }
        List<List<String>> problems = new ArrayList<>();
        boolean any = false;
        for (int i = 0; i < nodes; i++) {
            List<String> l = cs.logProblems(i, 5);
            any |= !l.isEmpty();
            problems.add(l);
        }
        if (any) {
            r.put("node_log_warnings", problems);
        }
        return r;
    }

    static double secs(long ms) {
        return Math.round(ms / 10.0) / 100.0;
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
