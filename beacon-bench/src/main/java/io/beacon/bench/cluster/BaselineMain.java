package io.beacon.bench.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A baseline node as a child process ({@link BaselineNode}), spoken to over stdin/stdout, one line each:
 *
 * <pre>
 * child  → LISTENING &lt;port&gt;
 * parent → STATS                                         child → STATS &lt;heartbeats&gt; &lt;errors&gt; &lt;updates received&gt; &lt;histogram&gt;
 * parent → LOAD &lt;rate&gt; &lt;seconds&gt; &lt;prefix&gt; &lt;users&gt; &lt;in flight&gt;   child → LOADED &lt;scheduled&gt; &lt;completed&gt; &lt;skipped&gt; &lt;errors&gt; &lt;histogram&gt;
 * parent → STOP                                          (the child exits)
 * </pre>
 *
 * Arguments: {@code --redis redis://host:port --port 0 --ttl-s 40 --io-threads 2}.
 */
public final class BaselineMain {
    private BaselineMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        BaselineNode node = new BaselineNode(a.get("redis"), Integer.parseInt(a.getOrDefault("port", "0")),
                Long.parseLong(a.getOrDefault("ttl-s", "40")), Integer.parseInt(a.getOrDefault("io-threads", "2")));
        try {
            System.out.println("LISTENING " + node.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                switch (c[0]) {
                    case "STATS" -> {
                        BaselineNode.Stats s = node.stats();
                        System.out.println("STATS " + s.heartbeats() + " " + s.errors() + " " + s.updatesReceived() + " " + encode(s.latency()));
                    }
                    case "LOAD" -> {
                        BaselineNode.LoadResult r = node.load(Integer.parseInt(c[1]), Double.parseDouble(c[2]), c[3],
                                Integer.parseInt(c[4]), Integer.parseInt(c[5]));
                        System.out.println("LOADED " + r.scheduled() + " " + r.completed() + " " + r.skipped() + " " + r.errors() + " "
                                + encode(r.latency()));
                    }
                    case "STOP" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + c[0]);
                }
                System.out.flush();
            }
        } finally {
            node.close();
            System.exit(0);
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
