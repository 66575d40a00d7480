package io.beacon.bench.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs Beacon's JMH micro-benchmarks: {@link TimerWheelBenchmark}, {@link AggregationBenchmark},
 * {@link PresenceEncodingBenchmark} and {@link FanoutBenchmark}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp beacon-bench/target/beacon-bench.jar io.beacon.bench.jmh.JmhMain \
 *     [--quick] [--out results.json] [REGEX...]
 * </pre>
 *
 * <ul>
 *   <li>default, sized for a 2-core machine: 1 fork, 3 × 2 s warm-up, 5 × 2 s measurement, 1 thread;
 *   <li>{@code --quick}: 1 fork, 2 × 1 s warm-up, 3 × 1 s measurement (a smoke run, wide error bars);
 *   <li>{@code --out FILE}: JMH's JSON results ({@link ResultFormatType#JSON});
 *   <li>{@code REGEX…}: only benchmarks matching (JMH include patterns), e.g. {@code Fanout}.
 * </ul>
 *
 * <p>JMH prints its own progress and summary; this adds the fan-out rate in deliveries per second
 * (ops/s × subscribers).
 */
public final class JmhMain {
    static final List<Class<?>> BENCHMARKS = List.of(TimerWheelBenchmark.class, AggregationBenchmark.class,
            PresenceEncodingBenchmark.class, FanoutBenchmark.class);

    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String out = null;
        List<String> includes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        usage("--out needs a file name");
                        return;
                    }
                    out = args[++i];
                }
                case "-h", "--help" -> {
                    usage(null);
                    return;
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        usage("unknown option " + args[i]);
                        return;
                    }
                    includes.add(args[i]);
                }
            }
        }
        ChainedOptionsBuilder options = options(quick, out, includes);
        Collection<RunResult> results = new Runner(options.build()).run();
        printDerived(results);
    }

    static ChainedOptionsBuilder options(boolean quick, String out, List<String> includes) {
        ChainedOptionsBuilder b = new OptionsBuilder();
        if (includes.isEmpty()) {
            for (Class<?> c : BENCHMARKS) {
                b.include("^" + Pattern.quote(c.getName()) + "\\.");
            }
        } else {
            includes.forEach(b::include);
        }
        b.forks(1)
                .threads(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                // a fixed heap: the timer wheel holds a million timeouts; no resizing during measurement
                .jvmArgsAppend("-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED")
                .shouldFailOnError(true);
        if (out != null) {
            b.result(out).resultFormat(ResultFormatType.JSON);
        }
        return b;
    }

    private static void printDerived(Collection<RunResult> results) {
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            Result<?> p = r.getPrimaryResult();
            if (name.startsWith(FanoutBenchmark.class.getName())) {
                int n = Integer.parseInt(r.getParams().getParam("subscribers"));
                lines.add(String.format(Locale.ROOT, "  fan-out to %,6d subscribers: %,14.0f ops/s  = %,16.0f deliveries/s (± %,.0f)",
                        n, p.getScore(), p.getScore() * n, p.getScoreError() * n));
            } else if (name.endsWith(".advance10ms")) {
                int due = Integer.parseInt(r.getParams().getParam("duePerAdvance"));
                lines.add(String.format(Locale.ROOT, "  timer wheel advance, ~%,d due per 10 ms: %,.1f ns/op = %,.1f ns per fired timeout",
                        due, p.getScore(), p.getScore() / due));
            }
        }
        if (!lines.isEmpty()) {
            System.out.println();
            System.out.println("Derived:");
            lines.forEach(System.out::println);
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println(error);
        }
        System.err.println("usage: JmhMain [--quick] [--out FILE.json] [REGEX...]");
        if (error != null) {
            System.exit(2);
        }
    }
}
