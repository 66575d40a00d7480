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
 * parent → STOP                                       (the child closes its sessions and exits)
 * </pre>
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
        ClientDriver driver = switch (a.get("system")) {
            case "beacon" -> BeaconSystem.attach(endpoint, group);
            default -> throw new IllegalArgumentException("system " + a.get("system") + " cannot run in generator processes yet");
        };
        Recorder rec = new Recorder();
        Progress quiet = Progress.silent();
        try (Fleet fleet = new Fleet(driver)) {
            List<ClientSession> sessions = fleet.connect(from, count, rec, quiet, "slice");
            fleet.watch(sessions, u -> Fleet.ring(u, n, k), quiet);
            fleet.startHeartbeats(Duration.ofMillis(heartbeatMs));
            System.out.println("READY");
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
                } else if (cmd[0].equals("STOP")) {
                    break;
                }
            }
        } finally {
            group.shutdownGracefully().awaitUninterruptibly();
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
