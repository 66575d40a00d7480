package io.beacon.bench.cluster;

import io.beacon.bench.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** A baseline node ({@link BaselineMain}) in a child JVM of the bench jar, spoken to over its stdin/stdout. */
public final class BaselineProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final int port;
    private final Path log;

    private BaselineProcess(Process process, BufferedReader out, PrintWriter in, int port, Path log) {
        this.process = process;
        this.out = out;
        this.in = in;
        this.port = port;
        this.log = log;
    }

    public static BaselineProcess start(String redisUri, long ttlSeconds, List<String> jvmOptions) throws IOException {
        Path log = Files.createTempFile("beacon-bench-baseline-", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                BaselineMain.class.getName(), "--redis", redisUri, "--port", "0", "--ttl-s", Long.toString(ttlSeconds)));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING ")) {
            Processes.stop(p, Duration.ofSeconds(2));
            throw new IOException("baseline node did not start: " + line + "\n" + Files.readString(log));
        }
        return new BaselineProcess(p, out, in, Integer.parseInt(line.substring("LISTENING ".length()).strip()), log);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public record Stats(long heartbeats, long errors, long updatesReceived, Histogram latency) {
    }

    public synchronized Stats stats() throws IOException {
        String[] r = exchange("STATS", "STATS");
        return new Stats(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]), decode(r[4]));
    }

    /** Starts a {@code LOAD} step; {@link #awaitLoad()} reads its result (so several nodes load at once). */
    public synchronized void startLoad(int rate, double seconds, String prefix, int users, int maxInFlight) {
        in.println("LOAD " + rate + " " + seconds + " " + prefix + " " + users + " " + maxInFlight);
    }

    public synchronized BaselineNode.LoadResult awaitLoad(double seconds) throws IOException {
        String[] r = expect("LOADED");
        return new BaselineNode.LoadResult(Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3]), Long.parseLong(r[4]),
                seconds, decode(r[5]));
    }

    private String[] exchange(String command, String reply) throws IOException {
        in.println(command);
        return expect(reply);
    }

    private String[] expect(String reply) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(reply + " ")) {
                return line.split(" ");
            }
        }
        throw new IOException("baseline node " + process.pid() + " ended before " + reply + ": " + logTail());
    }

    private static Histogram decode(String b64) throws IOException {
        try {
            return BaselineMain.decode(b64);
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("bad histogram from a baseline node", e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        in.println("STOP");
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                Processes.stop(process, Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // best effort
        }
    }
}
