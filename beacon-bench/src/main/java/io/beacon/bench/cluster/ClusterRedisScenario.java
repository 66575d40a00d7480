package io.beacon.bench.cluster;

import io.beacon.bench.BenchMain;
import io.beacon.bench.Generators;
import io.beacon.bench.PresenceSystem;
import io.beacon.bench.Processes;
import io.beacon.bench.Progress;
import io.beacon.bench.Recorder;
import io.beacon.bench.Scenario;
import io.beacon.bench.Scenarios;
import io.beacon.bench.SystemSettings;
import io.beacon.bench.beacon.BeaconSystem;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code cluster-redis}: what a presence cluster costs its Redis — Beacon's cluster mode against the
 * baseline design of the project's source documents ({@link BaselinePresence}: every heartbeat reads and
 * writes the presence hash and a TTL key and publishes on one global channel), in the same run, each on
 * a fresh private Redis started the same way, with the same clients.
 *
 * <ol>
 *   <li><b>Sessions grow</b>: {@code generators} generator processes join one after another, each with
 *   {@code sessions / generators} WebSocket sessions spread over the {@code nodes} nodes (user {@code u} on
 *   node {@code u mod nodes}), each watching {@code contacts} users of other nodes, heart-beating every
 *   {@code heartbeat_ms}. After each, {@code window_s} are measured: heartbeats sent, Redis commands
 *   ({@code INFO commandstats} deltas, the harness's own INFO left out), Redis CPU ({@code used_cpu_sys +
 *   used_cpu_user}).</li>
 *   <li><b>Changes</b>: heartbeats stop; {@code changes_per_s} status changes for {@code change_s}: Redis
 *   commands per change and the cross-node delivery latency.</li>
 *   <li><b>Ramp</b> (baseline only): the generators leave, and the baseline nodes run the reference's
 *   heartbeat sequence themselves (no sockets: the same commands at Redis, less CPU for everything else
 *   on the machine) at {@code ramp_from}, {@code + ramp_step}, … heartbeats per second, {@code ramp_s}
 *   each, until Redis saturates: its CPU reaches {@code saturated_cpu_pct} of a core, the nodes cannot
 *   keep the rate (below 90 % of it), or the heartbeat's p99 passes a second. The last rate below that
 *   × 15 s is the number of sessions this Redis sustains at the contract's 15 s heartbeat.</li>
 * </ol>
 *
 * Beacon's heartbeats never reach Redis, so there is nothing to ramp: its Redis CPU is shown at each
 * level of sessions, and its bound is stated as not reached at the largest level.
 */
public final class ClusterRedisScenario implements Scenario {
    static final List<String> SYSTEMS = List.of("beacon", "baseline");

    @Override
    public String name() {
        return "cluster-redis";
    }

    @Override
    public Map<String, Object> params(boolean quick, Map<String, String> o) {
        Map<String, Object> p = Scenarios.params(o, "nodes", 2, "sessions", quick ? 4_000 : 20_000, "generators", quick ? 2 : 4,
                "heartbeat_ms", 1_000, "contacts", 20, "settle_s", quick ? 3 : 5, "window_s", quick ? 5 : 15,
                "changes_per_s", quick ? 100 : 200, "change_s", quick ? 4 : 10,
                "ramp_from", 10_000, "ramp_step", 10_000, "ramp_max", 200_000, "ramp_s", quick ? 4 : 8,
                "ramp_users", quick ? 20_000 : 100_000, "ramp_inflight", 20_000, "saturated_cpu_pct", 90, "ramp_pin", 1,
                "ttl_ms", 40_000, "grace_ms", 5_000, "lease_ttl_ms", 5_000);
        int nodes = Scenario.intParam(p, "nodes");
        int sessions = Scenario.intParam(p, "sessions");
        int g = Scenario.intParam(p, "generators");
        if (nodes < 1 || g < 1 || sessions % (g * nodes) != 0) {
            throw new IllegalArgumentException("sessions (" + sessions + ") must be a multiple of generators × nodes (" + g * nodes + ")");
        }
        if (sessions / g >= 20_000 || sessions / nodes >= 20_000) {
            throw new IllegalArgumentException("one process may hold at most 20,000 open files: raise generators or nodes");
        }
        return p;
    }

    @Override
    public List<String> defaultSystems() {
        return SYSTEMS;
    }

    @Override
    public String notApplicable(String system) {
        return SYSTEMS.contains(system) ? null
                : "cluster-redis compares Beacon's cluster mode with the baseline design on one Redis; " + system + " has no Redis cluster mode";
    }

    @Override
    public PresenceSystem createSystem(String system, Map<String, Object> p) {
        ClusterSystem.Kind kind = system.equals("beacon") ? ClusterSystem.Kind.BEACON : ClusterSystem.Kind.BASELINE;
        return new ClusterSystem(kind, Scenario.intParam(p, "nodes"), Scenario.intParam(p, "lease_ttl_ms"), BeaconSystem.defaultJar(),
                BenchMain.serverJvmOptions());
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
        String name = cs.name();
        int n = Scenario.intParam(p, "sessions");
        int g = Scenario.intParam(p, "generators");
        int per = n / g;
        int contacts = Scenario.intParam(p, "contacts");
        Duration hb = Duration.ofMillis(Scenario.intParam(p, "heartbeat_ms"));
        RedisServer redis = cs.redis();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", name);
        r.put("nodes", cs.nodes());
        r.put("sessions", n);
        r.put("heartbeat_ms", hb.toMillis());
        List<Map<String, Object>> levels = new ArrayList<>();
        Window last = null;
        try (Generators gens = Generators.empty()) {
            for (int i = 0; i < g; i++) {
                progress.update(name + ": generator " + (i + 1) + "/" + g + " connecting " + per + " sessions");
                gens.add(name, cs.endpoint(), n, i * per, per, contacts, hb, List.of("--layout", "cross"));
                progress.update(name + ": " + (i + 1) * per + " sessions, settling");
                Thread.sleep(Scenario.intParam(p, "settle_s") * 1000L);
                progress.update(name + ": " + (i + 1) * per + " sessions, measuring " + Scenario.intParam(p, "window_s") + " s");
                last = window(cs, gens, Scenario.intParam(p, "window_s"));
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("sessions", (i + 1) * per);
                last.put(level, false);
                levels.add(level);
                progress.update(name + ": " + level);
            }
            last.put(r, true);
            r.put("levels", levels);
            r.put("subscribe_retries", gens.subscribeRetries());

            // status changes, heartbeats stopped: Redis commands per change, cross-node delivery
            gens.ask("HBSTOP", "OK");
            Thread.sleep(1_000);
            progress.update(name + ": " + Scenario.intParam(p, "changes_per_s") + " changes/s for " + Scenario.intParam(p, "change_s") + " s");
            RedisInfo c0 = redis.info();
            Generators.Result res = gens.pace(Scenario.intParam(p, "changes_per_s"), Duration.ofSeconds(Scenario.intParam(p, "change_s")));
            RedisInfo c1 = redis.info();
            RedisInfo.Delta cd = c1.delta(c0);
            long changes = Math.max(1, res.published());
            r.put("changes", res.published());
            r.put("redis_cmds_per_change", round2(cd.totalCalls() / (double) changes));
            r.put("redis_cmds_per_change_by_command", perUnit(cd.calls(), changes));
            r.put("redis_cpu_us_per_change", round2(cd.cpuMicros() / (double) changes));
            Histogram h = res.latency();
            r.put("change_p50_ms", Recorder.ms(h.getValueAtPercentile(50)));
            r.put("change_p99_ms", Recorder.ms(h.getValueAtPercentile(99)));
            r.put("change_max_ms", Recorder.ms(h.getMaxValue()));
            r.put("change_delivered_ratio", Math.round(res.deliveries() * 1000.0 / Math.max(1, res.published() * (long) contacts)) / 1000.0);
            gens.ask("HBSTART " + hb.toMillis(), "OK");
        }

        if (cs.kind() == ClusterSystem.Kind.BASELINE) {
            Thread.sleep(2_000);
            ramp(cs, p, r, progress);
        } else {
            Object cpu = r.get("redis_cpu_pct");
            r.put("max_sessions_at_15s", "not reached: Redis CPU " + cpu + " % at " + n + " sessions heart-beating every "
                    + hb.toMillis() + " ms (" + (long) n * 15_000 / hb.toMillis() + " sessions at 15 s); heartbeats cost Redis nothing, "
                    + "only leases (per node) and changes do");
        }
        r.put("redis_used_memory_mb", Math.round(redis.info().number("used_memory") / 1024.0 / 102.4) / 10.0);
        return r;
    }

    // ------------------------------------------------------------------ one measurement window

    /** What one window measured. */
    record Window(double seconds, long heartbeats, RedisInfo.Delta redis, long nodeCpuMicros, long baselineHeartbeats,
                  Histogram baselineLatency, long baselineErrors, long pubsubChannels, long clients) {

        void put(Map<String, Object> r, boolean full) {
            long beats = Math.max(1, heartbeats);
            r.put("heartbeats_per_s", Math.round(heartbeats / seconds));
            r.put("sessions_at_15s", Math.round(heartbeats / seconds * 15));
            r.put("redis_cmds_per_s", Math.round(redis.totalCalls() / seconds));
            r.put("redis_cmds_per_heartbeat", round4(redis.totalCalls() / (double) beats));
            r.put("redis_cpu_pct", round1(redis.cpuMicros() / 1e4 / seconds));
            r.put("redis_cpu_ms_per_s", round1(redis.cpuMicros() / 1e3 / seconds));
            r.put("redis_cpu_ms_per_1k_heartbeats", round4(redis.cpuMicros() / (double) beats));
            r.put("nodes_cpu_pct", round1(nodeCpuMicros / 1e4 / seconds));
            if (baselineLatency != null) {
                r.put("heartbeats_done_per_s", Math.round(baselineHeartbeats / seconds));
                r.put("heartbeat_redis_p50_ms", Recorder.ms(baselineLatency.getValueAtPercentile(50)));
                r.put("heartbeat_redis_p99_ms", Recorder.ms(baselineLatency.getValueAtPercentile(99)));
                r.put("node_errors", baselineErrors);
            }
            if (full) {
                r.put("redis_cmds_per_heartbeat_by_command", perUnit(redis.calls(), beats));
                r.put("redis_net_out_bytes_per_heartbeat", Math.round(redis.netOutBytes() / (double) beats));
                r.put("redis_pubsub_channels", pubsubChannels);
                r.put("redis_clients", clients);
            }
        }
    }

    static Window window(ClusterSystem cs, Generators gens, int seconds) throws IOException, InterruptedException {
        RedisServer redis = cs.redis();
        if (cs.kind() == ClusterSystem.Kind.BASELINE) {
            for (BaselineProcess b : cs.baselines()) {
                b.stats(); // reset
            }
        }
        long cpu0 = nodesCpu(cs);
        long hb0 = gens.heartbeatsSent();
        RedisInfo i0 = redis.info();
        Thread.sleep(seconds * 1000L);
        RedisInfo i1 = redis.info();
        long hb1 = gens.heartbeatsSent();
        long cpu1 = nodesCpu(cs);
        RedisInfo.Delta d = i1.delta(i0);
        long done = 0;
        long errors = 0;
        Histogram lat = null;
        if (cs.kind() == ClusterSystem.Kind.BASELINE) {
            lat = new Histogram(3_600_000_000_000L, 3);
            for (BaselineProcess b : cs.baselines()) {
                BaselineProcess.Stats s = b.stats();
                done += s.heartbeats();
                errors += s.errors();
                lat.add(s.latency());
            }
        }
        return new Window(d.seconds(), hb1 - hb0, d, cpu1 - cpu0, done, lat, errors, i1.number("pubsub_channels"),
                i1.number("connected_clients") - 1);
    }

    static long nodesCpu(ClusterSystem cs) {
        long sum = 0;
        for (long pid : cs.nodePids()) {
            sum += Math.max(0, Processes.cpuMicros(pid));
        }
        return sum;
    }

    // ------------------------------------------------------------------ the baseline's ramp

    static void ramp(ClusterSystem cs, Map<String, Object> p, Map<String, Object> r, Progress progress) throws IOException, InterruptedException {
        List<BaselineProcess> nodes = cs.baselines();
        int m = nodes.size();
        int users = Scenario.intParam(p, "ramp_users");
        int inflight = Scenario.intParam(p, "ramp_inflight");
        int from = Scenario.intParam(p, "ramp_from");
        int step = Scenario.intParam(p, "ramp_step");
        int max = Scenario.intParam(p, "ramp_max");
        int secs = Scenario.intParam(p, "ramp_s");
        double saturatedCpu = Scenario.intParam(p, "saturated_cpu_pct");
        RedisServer redis = cs.redis();

        if (Scenario.intParam(p, "ramp_pin") == 1) {
            r.put("ramp_pinning", pin(cs));
        }
        // warm-up: every simulated session's keys exist, the JIT is warm
        double warm = Math.max(2, users / (double) from);
        progress.update("baseline ramp: warm-up, " + users + " simulated sessions");
        load(nodes, from, warm, users, inflight);

        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Object> best = null;
        Map<String, Object> saturated = null;
        for (int rate = from; rate <= max; rate += step) {
            progress.update("baseline ramp: " + rate + " heartbeats/s for " + secs + " s");
            RedisInfo i0 = redis.info();
            long cpu0 = nodesCpu(cs);
            Loaded l = load(nodes, rate, secs, users, inflight);
            long cpu1 = nodesCpu(cs);
            RedisInfo.Delta d = redis.info().delta(i0);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("target_hb_per_s", rate);
            double achieved = l.completed / (double) secs;
            s.put("achieved_hb_per_s", Math.round(achieved));
            s.put("skipped", l.skipped);
            s.put("errors", l.errors);
            s.put("p50_ms", Recorder.ms(l.latency.getValueAtPercentile(50)));
            s.put("p99_ms", Recorder.ms(l.latency.getValueAtPercentile(99)));
            s.put("redis_cpu_pct", round1(d.cpuMicros() / 1e4 / d.seconds()));
            s.put("redis_cmds_per_s", Math.round(d.totalCalls() / d.seconds()));
            s.put("redis_cmds_per_heartbeat", round2(d.totalCalls() / (double) Math.max(1, l.completed)));
            s.put("redis_cpu_us_per_heartbeat", round2(d.cpuMicros() / (double) Math.max(1, l.completed)));
            s.put("nodes_cpu_pct", round1((cpu1 - cpu0) / 1e4 / d.seconds()));
            steps.add(s);
            progress.update("baseline ramp: " + s);
            boolean sat = (double) s.get("redis_cpu_pct") >= saturatedCpu || achieved < 0.9 * rate || l.errors > 0
                    || l.latency.getValueAtPercentile(99) > 1_000_000_000L;
            if (sat) {
                saturated = s;
                break;
            }
            best = s;
        }
        r.put("ramp", steps);
        if (best != null) {
            long sustained = (long) best.get("achieved_hb_per_s");
            r.put("max_sustained_hb_per_s", sustained);
            r.put("max_sessions_at_15s", sustained * 15);
            r.put("redis_cpu_pct_at_max", best.get("redis_cpu_pct"));
            double us = (double) best.get("redis_cpu_us_per_heartbeat");
            r.put("sessions_at_15s_per_full_redis_core", Math.round(1e6 / Math.max(us, 1e-3) * 15));
        }
        r.put("saturated_at", saturated == null ? "not within ramp_max (" + max + "/s)" : saturated);
        r.put("redis_saturated", saturated != null && (double) saturated.get("redis_cpu_pct") >= saturatedCpu);
    }

    /**
     * Gives Redis a core of its own for the ramp (the last CPU) and the baseline nodes the others, with
     * {@code taskset}: on two shared cores the nodes' client work would otherwise starve Redis, which then
     * reads bigger batches and looks cheaper per command than it is.
     */
    static String pin(ClusterSystem cs) {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2) {
            return "not pinned: one CPU";
        }
        String redisCpu = Integer.toString(cpus - 1);
        String others = cpus == 2 ? "0" : "0-" + (cpus - 2);
        try {
            List<String> done = new ArrayList<>();
            if (taskset(redisCpu, cs.redis().pid())) {
                done.add("redis-server on CPU " + redisCpu);
            }
            for (long pid : cs.nodePids()) {
                taskset(others, pid);
            }
            done.add("baseline nodes on CPU " + others);
            return String.join(", ", done);
        } catch (IOException | InterruptedException e) {
            return "not pinned: " + e.getMessage();
        }
    }

    private static boolean taskset(String cpus, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    record Loaded(long completed, long skipped, long errors, Histogram latency) {
    }

    private static Loaded load(List<BaselineProcess> nodes, int rate, double secs, int users, int inflight) throws IOException {
        int m = nodes.size();
        for (int i = 0; i < m; i++) {
            nodes.get(i).startLoad(Math.max(1, rate / m), secs, "r" + i + "-", Math.max(1, users / m), Math.max(1, inflight / m));
        }
        long completed = 0;
        long skipped = 0;
        long errors = 0;
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (BaselineProcess b : nodes) {
            BaselineNode.LoadResult l = b.awaitLoad(secs);
            completed += l.completed();
            skipped += l.skipped();
            errors += l.errors();
            h.add(l.latency());
        }
        return new Loaded(completed, skipped, errors, h);
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, Double> perUnit(Map<String, Long> calls, long units) {
        Map<String, Double> m = new LinkedHashMap<>();
        calls.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> m.put(e.getKey(), round4(e.getValue() / (double) Math.max(1, units))));
        return m;
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static double round2(double d) {
        return Math.round(d * 100) / 100.0;
    }

    static double round4(double d) {
        return Math.round(d * 10_000) / 10_000.0;
    }
}
