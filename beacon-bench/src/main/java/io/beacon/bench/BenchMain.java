package io.beacon.bench;

import io.beacon.bench.beacon.BeaconSystem;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/beacon bench SCENARIO [--quick] [--systems beacon,prosody,ejabberd,mosquitto]}: runs one
 * scenario against each system in turn and writes {@code bench/results/SCENARIO-<stamp>.json}, a
 * Markdown table and a PNG chart. {@code bin/beacon bench jmh} runs the JMH micro-benchmarks.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks Beacon side by side with Prosody, ejabberd and Mosquitto.")
public final class BenchMain implements Callable<Integer> {
    @Parameters(index = "0", description = "memory, latency, fanout, detect, reconnect, heartbeat, rooms (Beacon only), "
            + "cluster-redis (Beacon cluster mode vs the baseline design on one Redis), cluster (Beacon nodes on one Redis), all, or jmh")
    String scenario;

    @Option(names = "--quick", description = "small sizes: each scenario finishes in under two minutes")
    boolean quick;

    /** The systems of a scenario that does not name its own. */
    static final List<String> DEFAULT_SYSTEMS = List.of("beacon", "prosody", "ejabberd", "mosquitto");

    @Option(names = "--systems", split = ",",
            description = "systems to run (default: beacon,prosody,ejabberd,mosquitto; cluster-redis: beacon,baseline; cluster: beacon)")
    List<String> systems;

    @Option(names = "--set", description = "override a scenario parameter, e.g. --set sessions=5000")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--out", defaultValue = "bench/results", description = "results directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--client-threads", defaultValue = "2", description = "event loop threads of the load generator")
    int clientThreads;

    @Override
    public Integer call() throws Exception {
        if (scenario.equals("jmh")) {
            return runJmh();
        }
        List<Scenario> which = scenario.equals("all") ? Scenarios.all() : List.of(Scenarios.byName(scenario));
        EventLoopGroup clients = Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(clientThreads, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(clientThreads, NioIoHandler.newFactory());
        try {
            for (Scenario s : which) {
                runScenario(s, clients);
            }
        } finally {
            clients.shutdownGracefully().awaitUninterruptibly();
        }
        return 0;
    }

    private void runScenario(Scenario s, EventLoopGroup clients) throws Exception {
        Map<String, Object> params = s.params(quick, overrides);
        params.put("quick", quick);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Object> described = new LinkedHashMap<>();
        Progress progress = new Progress(s.name());
        List<String> which = systems != null ? systems : s.defaultSystems() != null ? s.defaultSystems() : DEFAULT_SYSTEMS;
        for (String name : which) {
            String skip = s.notApplicable(name);
            if (skip != null) {
                described.put(name, Map.of("skipped", skip));
                progress.done(name + " skipped: " + skip);
                continue;
            }
            long t0 = System.nanoTime();
            progress.update(name + " starting");
            PresenceSystem own = s.createSystem(name, params);
            if (own == null && name.equals("baseline")) {
                described.put(name, Map.of("skipped", "the baseline design runs only in cluster-redis"));
                progress.done(name + " skipped: the baseline design runs only in cluster-redis");
                continue;
            }
            try (PresenceSystem system = own != null ? own : create(name)) {
                system.start(s.settings(params));
                int[][] contacts = s.contacts(params);
                progress.update(name + " provisioning " + contacts.length + " users");
                system.provision(contacts.length, contacts);
                Map<String, Object> row = s.run(system, clients, params, progress);
                row.put("run_s", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
                results.add(row);
                described.put(name, system.describe());
                progress.done(name + ": " + row);
            } catch (Exception e) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("system", name);
                row.put("error", e.toString());
                results.add(row);
                progress.done(name + " failed: " + e);
            }
        }
        if (results.isEmpty()) {
            progress.done("nothing to report: " + s.name() + " applies to none of " + which);
            return;
        }
        Path json = Report.write(out, s.name(), stamp, params, described, results);
        System.out.println(Report.markdown(s.name(), params, results));
        System.out.println("results: " + json + " (+ .md, .png)");
    }

    static PresenceSystem create(String name) throws Exception {
        return switch (name) {
            case "beacon" -> new BeaconSystem(BeaconSystem.defaultJar(), serverJvmOptions());
            case "prosody" -> peer("io.beacon.bench.peers.xmpp.ProsodySystem");
            case "ejabberd" -> peer("io.beacon.bench.peers.xmpp.EjabberdSystem");
            case "mosquitto" -> peer("io.beacon.bench.peers.mqtt.MosquittoSystem");
            default -> throw new IllegalArgumentException("unknown system \"" + name + "\"; one of beacon, prosody, ejabberd, mosquitto");
        };
    }

    /** The Beacon server's JVM options: {@code BEACON_BENCH_SERVER_OPTS}, else what {@code bin/beacon start} uses. */
    public static List<String> serverJvmOptions() {
        String env = System.getenv("BEACON_BENCH_SERVER_OPTS");
        if (env != null && !env.isBlank()) {
            return List.of(env.trim().split("\\s+"));
        }
        return List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx2g");
    }

    private static PresenceSystem peer(String className) throws Exception {
        return (PresenceSystem) Class.forName(className).getConstructor().newInstance();
    }

    private int runJmh() throws Exception {
        List<String> args = new ArrayList<>();
        if (quick) {
            args.add("--quick");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        java.nio.file.Files.createDirectories(out);
        args.add("--out");
        args.add(out.resolve("jmh-" + stamp + ".json").toString());
        Class.forName("io.beacon.bench.jmh.JmhMain").getMethod("main", String[].class).invoke(null, (Object) args.toArray(String[]::new));
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
