package io.beacon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Generator child processes ({@link GeneratorMain}) holding the sessions of one run between them. */
public final class Generators implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<BufferedReader> outs = new ArrayList<>();
    private final List<PrintWriter> ins = new ArrayList<>();
    /** What each child said when ready ({@code READY [subscribe retries]}). */
    private final List<String> ready = new ArrayList<>();

    /** What the children measured together. */
    public record Result(long deliveries, long published, Histogram latency) {
    }

    /**
     * Starts {@code g} children sharing users {@code 0..n-1} (ring contacts of {@code contacts}) and waits
     * until every one of them is connected and subscribed.
     */
    public static Generators start(String system, Map<String, String> endpoint, int g, int n, int contacts,
                                   Duration heartbeat, Progress progress) throws IOException, InterruptedException {
        return start(system, endpoint, g, n, contacts, heartbeat, List.of(), progress);
    }

    /** As above, with more arguments for every child (e.g. {@code --layout cross}). */
    public static Generators start(String system, Map<String, String> endpoint, int g, int n, int contacts,
                                   Duration heartbeat, List<String> extra, Progress progress) throws IOException, InterruptedException {
        Generators gens = new Generators();
        int per = (n + g - 1) / g;
        try {
            for (int i = 0; i < g; i++) {
                int from = i * per;
                int count = Math.min(per, n - from);
                if (count <= 0) {
                    break;
                }
                gens.launch(system, endpoint, n, from, count, contacts, heartbeat, extra);
            }
            for (int i = 0; i < gens.processes.size(); i++) {
                progress.update("generator " + (i + 1) + "/" + gens.processes.size() + " connecting");
                gens.ready.add(gens.expect(i, "READY"));
            }
            return gens;
        } catch (IOException | RuntimeException e) {
            gens.close();
            throw e;
        }
    }

    /** No children yet: {@link #add} them one at a time. */
    public static Generators empty() {
        return new Generators();
    }

    /** Starts one more child holding users {@code from .. from+count-1} of {@code n}; waits until it is ready. */
    public void add(String system, Map<String, String> endpoint, int n, int from, int count, int contacts, Duration heartbeat,
                    List<String> extra) throws IOException {
        launch(system, endpoint, n, from, count, contacts, heartbeat, extra);
        ready.add(expect(processes.size() - 1, "READY"));
    }

    private void launch(String system, Map<String, String> endpoint, int n, int from, int count, int contacts, Duration heartbeat,
                        List<String> extra) throws IOException {
        StringBuilder ep = new StringBuilder();
        endpoint.forEach((k, v) -> ep.append(ep.isEmpty() ? "" : ",").append(k).append('=').append(v));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseParallelGC", "-Xmx2g", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), GeneratorMain.class.getName(),
                "--system", system, "--endpoint", ep.toString(), "--users", Integer.toString(n),
                "--from", Integer.toString(from), "--count", Integer.toString(count),
                "--contacts", Integer.toString(contacts), "--heartbeat-ms", Long.toString(heartbeat.toMillis())));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        ins.add(new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Sends {@code command} to every child and returns each one's reply line starting with {@code reply}. */
    public List<String[]> ask(String command, String reply) throws IOException {
        for (PrintWriter in : ins) {
            in.println(command);
        }
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            out.add(expect(i, reply).split(" "));
        }
        return out;
    }

    /** Heartbeats the children's sessions were sent so far, together. */
    public long heartbeatsSent() throws IOException {
        long sum = 0;
        for (String[] r : ask("HB", "HB")) {
            sum += Long.parseLong(r[1]);
        }
        return sum;
    }

    /** Subscribes the children tried again after a failure, together (0 when they do not say). */
    public long subscribeRetries() {
        long sum = 0;
        for (String line : ready) {
            String[] f = line.split(" ");
            if (f.length > 1) {
                sum += Long.parseLong(f[1]);
            }
        }
        return sum;
    }

    public int size() {
        return processes.size();
    }

    private String expect(int i, String prefix) throws IOException {
        String line;
        while ((line = outs.get(i).readLine()) != null) {
            if (line.equals(prefix) || line.startsWith(prefix + " ")) {
                return line;
            }
        }
        throw new IOException("generator " + i + " ended before " + prefix);
    }

    /** Every child paces its share of {@code rate} for the duration; returns the merged measurements. */
    public Result pace(int rate, Duration d) throws IOException {
        int share = Math.max(1, rate / processes.size());
        for (PrintWriter in : ins) {
            in.println("PACE " + share + " " + d.toSeconds());
        }
        long deliveries = 0;
        long published = 0;
        Histogram merged = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < processes.size(); i++) {
            String[] r = expect(i, "RESULT").split(" ");
            deliveries += Long.parseLong(r[1]);
            published += Long.parseLong(r[2]);
            try {
                merged.add(GeneratorMain.decode(r[3]));
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException("generator " + i + " sent a bad histogram", e);
            }
        }
        return new Result(deliveries, published, merged);
    }

    @Override
    public void close() {
        for (PrintWriter in : ins) {
            in.println("STOP");
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
