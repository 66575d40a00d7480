package io.beacon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes one run's results: JSON, a Markdown table and a PNG chart, side by side. */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The metrics charted per scenario (lower or higher is better, as the title says). */
    static final Map<String, List<String>> CHARTED = Map.of(
            "memory", List.of("rss_kb_per_session"),
            "latency", List.of("p50_ms", "p99_ms", "p999_ms"),
            "fanout", List.of("deliveries_per_s", "storm_deliveries_per_s"),
            "detect", List.of("silent_max_s", "killed_max_s"),
            "reconnect", List.of("false_offline_events", "settle_s"),
            "heartbeat", List.of("cpu_us_per_heartbeat"),
            "rooms", List.of("p50_ms", "p99_ms", "small_p50_ms", "small_p99_ms"),
            "cluster-redis", List.of("redis_cmds_per_heartbeat", "redis_cpu_ms_per_1k_heartbeats"),
            "cluster", List.of("p50_ms", "p99_ms", "p999_ms", "death_p50_s", "death_max_s"));

    private Report() {
    }

    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        long memKb = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        m.put("mem", memKb < 0 ? "unknown" : Math.round(memKb / 1024.0 / 1024.0) + " GiB");
        m.put("jdk", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    /** Writes {@code SCENARIO-<stamp>.json|.md|.png} into {@code dir}; returns the JSON path. */
    public static Path write(Path dir, String scenario, String stamp, Map<String, Object> params,
                             Map<String, Object> systems, List<Map<String, Object>> results) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("timestamp", stamp);
        doc.put("machine", machine());
        doc.put("params", params);
        doc.put("systems", systems);
        doc.put("results", results);
        Path json = dir.resolve(scenario + "-" + stamp + ".json");
        JSON.writeValue(json.toFile(), doc);
        Files.writeString(dir.resolve(scenario + "-" + stamp + ".md"), markdown(scenario, params, results));
        chart(dir.resolve(scenario + "-" + stamp + ".png"), scenario, results);
        return json;
    }

    public static String markdown(String scenario, Map<String, Object> params, List<Map<String, Object>> results) {
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Object> r : results) {
            columns.addAll(r.keySet());
        }
        StringBuilder b = new StringBuilder();
        b.append("### ").append(scenario).append("\n\n");
        b.append("params: ").append(params).append("\n\n");
        b.append('|');
        for (String c : columns) {
            b.append(' ').append(c).append(" |");
        }
        b.append("\n|");
        columns.forEach(c -> b.append(" --- |"));
        b.append('\n');
        for (Map<String, Object> r : results) {
            b.append('|');
            for (String c : columns) {
                Object v = r.get(c);
                b.append(' ').append(v == null ? "" : v).append(" |");
            }
            b.append('\n');
        }
        String ratios = ratios(scenario, results);
        if (!ratios.isEmpty()) {
            b.append('\n').append(ratios);
        }
        return b.toString();
    }

    /** Beacon against the best peer for each charted metric. */
    static String ratios(String scenario, List<Map<String, Object>> results) {
        Map<String, Object> beacon = null;
        List<Map<String, Object>> peers = new ArrayList<>();
        for (Map<String, Object> r : results) {
            if ("beacon".equals(r.get("system"))) {
                beacon = r;
            } else if (!r.containsKey("error")) {
                peers.add(r);
            }
        }
        if (beacon == null || peers.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String metric : CHARTED.getOrDefault(scenario, List.of())) {
            boolean higherIsBetter = metric.endsWith("per_s");
            Double mine = number(beacon.get(metric));
            Double best = null;
            String bestName = null;
            for (Map<String, Object> p : peers) {
                Double v = number(p.get(metric));
                if (v != null && (best == null || (higherIsBetter ? v > best : v < best))) {
                    best = v;
                    bestName = (String) p.get("system");
                }
            }
            if (mine == null || best == null) {
                continue;
            }
            String ratio = higherIsBetter ? fmt(mine / best) + "× the best peer (" + bestName + ")"
                    : mine == 0 ? "0 vs " + fmt(best) + " (" + bestName + ")"
                    : fmt(best / mine) + "× better than the best peer (" + bestName + ")";
            if (!higherIsBetter && mine > best) {
                ratio = fmt(mine / Math.max(best, 1e-9)) + "× worse than the best peer (" + bestName + ")";
            }
            b.append("- ").append(metric).append(": beacon ").append(mine).append(", ").append(ratio).append('\n');
        }
        return b.toString();
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.2f", d);
    }

    static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    static void chart(Path png, String scenario, List<Map<String, Object>> results) throws IOException {
        List<String> metrics = CHARTED.getOrDefault(scenario, List.of());
        List<String> systems = new ArrayList<>();
        for (Map<String, Object> r : results) {
            systems.add((String) r.get("system"));
        }
        CategoryChart chart = new CategoryChartBuilder().width(800).height(450)
                .title(scenario + (metrics.stream().anyMatch(m -> m.endsWith("per_s")) ? " (higher is better)" : " (lower is better)"))
                .xAxisTitle("system").yAxisTitle(String.join(", ", metrics)).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setLabelsVisible(true);
        boolean any = false;
        for (String m : metrics) {
            List<Double> ys = new ArrayList<>();
            for (Map<String, Object> r : results) {
                Double v = number(r.get(m));
                ys.add(v == null ? 0.0 : v);
            }
            if (!systems.isEmpty()) {
                chart.addSeries(m, systems, ys);
                any = true;
            }
        }
        if (any) {
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
