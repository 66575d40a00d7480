package io.beacon.probe;

import io.beacon.auth.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Measures the server's memory per idle authenticated WebSocket session: opens N sessions against a
 * running server (its PID given), forcing a full GC before and after through {@code jcmd}, and prints
 * heap and RSS per session. Not a test: run it by hand or from the benchmarks.
 *
 * <pre>
 * java -cp beacon-server/target/beacon.jar:beacon-server/target/test-classes \
 *   io.beacon.probe.IdleSessionsProbe PORT SERVER_PID SECRET [SESSIONS]
 * </pre>
 */
public final class IdleSessionsProbe {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        String secret = args[2];
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        TokenIssuer issuer = new TokenIssuer(secret, System::currentTimeMillis);
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/v1/connect");

        Snapshot before = snapshot(pid);
        System.out.printf("before: heap %,d B, rss %,d KB%n", before.heapUsed, before.rssKb);

        List<WebSocket> sockets = new ArrayList<>(n);
        CountDownLatch welcomed = new CountDownLatch(n);
        Semaphore inFlight = new Semaphore(200);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            String token = issuer.issue("user-" + i, Duration.ofHours(2));
            WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    if (data.toString().contains("\"welcome\"")) {
                        welcomed.countDown();
                        inFlight.release();
                    }
                    w.request(1);
                    return null;
                }
            }).join();
            ws.sendText("{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"web\",\"protocol\":1}", true);
            sockets.add(ws);
        }
        if (!welcomed.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("only " + (n - welcomed.getCount()) + " of " + n + " sessions welcomed");
        }
        System.out.printf("%,d sessions welcomed in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        Thread.sleep(2000); // let the server settle; this is a measurement, not a test

        Snapshot after = snapshot(pid);
        System.out.printf("after:  heap %,d B, rss %,d KB%n", after.heapUsed, after.rssKb);
        System.out.printf("per session: heap %.0f B, rss %.1f KB%n",
                (after.heapUsed - before.heapUsed) / (double) n, (after.rssKb - before.rssKb) / (double) n);
        CompletableFuture<?>[] closing = sockets.stream().map(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "done")).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(closing).get(60, TimeUnit.SECONDS);
    }

    record Snapshot(long heapUsed, long rssKb) {
    }

    /** Full GC in the server, then its used heap (from GC.heap_info) and its RSS. */
    static Snapshot snapshot(long pid) throws IOException, InterruptedException {
        run("jcmd", Long.toString(pid), "GC.run");
        Thread.sleep(500);
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        long used = 0;
        for (String line : info.split("\n")) {
            String l = line.trim();
            if (l.startsWith("def new generation") || l.startsWith("tenured generation") || l.startsWith("DefNew")
                    || l.startsWith("Tenured") || l.startsWith("garbage-first heap") || l.startsWith("PSYoungGen")
                    || l.startsWith("ParOldGen")) {
                int i = l.indexOf("used ");
                if (i >= 0) {
                    String num = l.substring(i + 5).split("[^0-9]")[0];
                    used += Long.parseLong(num) * 1024;
                }
            }
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return new Snapshot(used, rss);
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        String jdk = System.getProperty("java.home");
        cmd[0] = Path.of(jdk, "bin", cmd[0]).toString();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
