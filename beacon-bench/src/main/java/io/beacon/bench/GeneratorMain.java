package io.beacon.bench;

import io.beacon.bench.beacon.BeaconSystem;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A generator child process: holds a slice of the sessions (users {@code from .. from+count-1} of
 * {@code n}, each watching its ring of {@code contacts}), heart-beats them, and on command paces status
 * changes and reports what its sessions received. Spoken to over stdin/stdout, one line each:
 *
 * <pre>
 * child  → READY
 * parent → PACE &lt;changes per second&gt; &lt;seconds&gt;     child → RESULT &lt;deliveries&gt; &lt;published&gt; &lt;histogram base64&gt;
 * parent → HB                                         child → HB &lt;heartbeats sent so far&gt;
 * parent → HBSTOP | HBSTART &lt;interval ms&gt;             child → OK
 * parent → ARM &lt;t0 nanoTime&gt;                           child → OK   (from now on, offline events are recorded)
 * parent → OFFCOUNT                                   child → OFFCOUNT &lt;offline events&gt; &lt;users seen offline&gt;
 * parent → DEATHS                                     child → DEATHS &lt;events&gt; &lt;histogram of event − t0&gt; &lt;user:first ms:events,…|-&gt;
 * parent → STOP                                       (the child closes its sessions and exits)
 * </pre>
 *
 * <p>A cluster ({@code --endpoint nodes=host:port;host:port,secret=…}) puts user {@code u} on node
 * {@code u mod nodes}; {@code --layout cross} makes every watched user one on another node
 * ({@link io.beacon.bench.cluster.CrossNode}).
 *
 * Several of them spread a run over processes: one process may hold at most 20,000 open files here.
 */
public final class GeneratorMain {
    private GeneratorMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Map<String, String> endpoint = new HashMap<>();
        for (String kv : a.get("endpoint").split(",")) {
            int eq = kv.indexOf('=');
            endpoint.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        int n = Integer.parseInt(a.get("users"));
        int from = Integer.parseInt(a.get("from"));
        int count = Integer.parseInt(a.get("count"));
        int k = Integer.parseInt(a.getOrDefault("contacts", "20")) / 2;
        long heartbeatMs = Long.parseLong(a.getOrDefault("heartbeat-ms", "15000"));
        EventLoopGroup group = Epoll.isAvailable()
                ? new MultiThreadIoEventLoopGroup(Integer.parseInt(a.getOrDefault("threads", "1")), EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(Integer.parseInt(a.getOrDefault("threads", "1")), NioIoHandler.newFactory());
        ClientDriver driver;
        if (endpoint.containsKey("nodes")) {
            driver = io.beacon.bench.cluster.ClusterSystem.attach(endpoint, group); // beacon or baseline nodes alike
        } else {
            driver = switch (a.get("system")) {
                case "beacon" -> BeaconSystem.attach(endpoint, group);
                default -> throw new IllegalArgumentException("system " + a.get("system") + " cannot run in generator processes yet");
            };
        }
        int nodes = endpoint.containsKey("nodes") ? endpoint.get("nodes").split(";").length : 1;
        boolean cross = "cross".equals(a.get("layout"));
        java.util.function.IntFunction<int[]> contactsOf = cross
                ? u -> io.beacon.bench.cluster.CrossNode.contacts(u, n, nodes, k) : u -> Fleet.ring(u, n, k);
        Recorder rec = new Recorder();
        Offline offline = new Offline();
        rec.also(offline);
        Progress quiet = Progress.silent();
        try (Fleet fleet = new Fleet(driver)) {
            int connectRate = Integer.parseInt(a.getOrDefault("connect-rate", "0"));
            List<ClientSession> sessions;
            int retried = 0;
            if (cross && connectRate > 0) {
                // paced: connect and subscribe a chunk every 100 ms at most
                sessions = new java.util.ArrayList<>(count);
                int chunk = Math.max(1, connectRate / 10);
                long start = System.nanoTime();
                for (int i = 0; i < count; i += chunk) {
                    int c = Math.min(chunk, count - i);
                    List<ClientSession> part = fleet.connect(from + i, c, rec, quiet, "slice");
                    retried += watchRetrying(part, contactsOf);
                    sessions.addAll(part);
                    long wait = start + (long) ((i + c) * 1e9 / connectRate) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000);
                    }
                }
            } else {
                sessions = fleet.connect(from, count, rec, quiet, "slice");
            }
            if (cross && connectRate > 0) {
                // subscribed above
            } else if (cross) {
                retried = watchRetrying(sessions, contactsOf);
            } else {
                fleet.watch(sessions, contactsOf, quiet);
            }
            fleet.startHeartbeats(Duration.ofMillis(heartbeatMs));
            System.out.println("READY " + retried);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" ");
                if (cmd[0].equals("PACE")) {
                    rec.start();
                    long published = Scenarios.Latency.pace(sessions, Integer.parseInt(cmd[1]),
                            Duration.ofSeconds(Long.parseLong(cmd[2])), quiet, "pace");
                    Thread.sleep(2_000);
                    rec.stop();
                    System.out.println("RESULT " + rec.deliveries.sum() + " " + published + " " + encode(rec.latency()));
                    System.out.flush();
                } else if (cmd[0].equals("HB")) {
                    System.out.println("HB " + fleet.heartbeatsSent.sum());
                } else if (cmd[0].equals("HBSTOP")) {
                    fleet.stopHeartbeats();
                    System.out.println("OK");
                } else if (cmd[0].equals("HBSTART")) {
                    fleet.startHeartbeats(Duration.ofMillis(Long.parseLong(cmd[1])));
                    System.out.println("OK");
                } else if (cmd[0].equals("ARM")) {
                    offline.arm(Long.parseLong(cmd[1]));
                    System.out.println("OK");
                } else if (cmd[0].equals("OFFCOUNT")) {
                    System.out.println("OFFCOUNT " + offline.events.sum() + " " + offline.first.size());
                } else if (cmd[0].equals("DEATHS")) {
                    System.out.println("DEATHS " + offline.events.sum() + " " + encode(offline.latency.copy()) + " " + offline.list());
                } else if (cmd[0].equals("STOP")) {
                    break;
                }
                System.out.flush();
            }
        } finally {
            group.shutdownGracefully().awaitUninterruptibly();
        }
    }

    /**
     * Subscribes every session (at most 256 at once), trying a failed subscribe up to twice more; returns how
     * many were tried again (a cluster node may answer {@code internal} while Redis is slow under the connect
     * storm — counted and reported, not hidden).
     */
    static int watchRetrying(List<ClientSession> sessions, java.util.function.IntFunction<int[]> contacts) throws Exception {
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(256);
        java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();
        List<java.util.concurrent.CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (ClientSession s : sessions) {
            slots.acquire();
            java.util.concurrent.CompletableFuture<Void> f = s.watch(contacts.apply(s.user()))
                    .exceptionallyCompose(e -> {
                        retried.incrementAndGet();
                        System.err.println("generator: subscribe of u" + s.user() + " failed, trying again: " + e.getMessage());
                        return s.watch(contacts.apply(s.user()));
                    })
                    .exceptionallyCompose(e -> {
                        retried.incrementAndGet();
                        return s.watch(contacts.apply(s.user()));
                    })
                    .orTimeout(120, java.util.concurrent.TimeUnit.SECONDS)
                    .whenComplete((v, e) -> slots.release());
            all.add(f);
        }
        java.util.concurrent.CompletableFuture.allOf(all.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(10, java.util.concurrent.TimeUnit.MINUTES);
        return retried.get();
    }

    /** Offline events after {@code ARM}: when each user was first seen offline, how often, and every event's delay. */
    static final class Offline implements io.beacon.bench.PresenceListener {
        volatile long t0;
        volatile boolean armed;
        final java.util.concurrent.atomic.LongAdder events = new java.util.concurrent.atomic.LongAdder();
        final java.util.concurrent.ConcurrentHashMap<Integer, long[]> first = new java.util.concurrent.ConcurrentHashMap<>();
        final org.HdrHistogram.ConcurrentHistogram latency = new org.HdrHistogram.ConcurrentHistogram(3_600_000_000_000L, 3);

        void arm(long t0) {
            this.t0 = t0;
            events.reset();
            first.clear();
            latency.reset();
            armed = true;
        }

        @Override
        public void onPresence(int from, boolean online, String token, long receivedNanos) {
            if (!armed || online) {
                return;
            }
            events.increment();
            latency.recordValue(Math.max(0, receivedNanos - t0));
            first.merge(from, new long[] {receivedNanos, 1}, (x, y) -> new long[] {Math.min(x[0], y[0]), x[1] + y[1]});
        }

        String list() {
            if (first.isEmpty()) {
                return "-";
            }
            StringBuilder b = new StringBuilder();
            first.forEach((u, v) -> b.append(b.isEmpty() ? "" : ",").append(u).append(':')
                    .append((v[0] - t0) / 1_000_000L).append(':').append(v[1]));
            return b.toString();
        }
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
    }

    static Histogram decode(String b64) throws java.util.zip.DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(b64)), 0);
    }
}
