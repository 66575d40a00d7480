package io.beacon.bench.beacon;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads counters from a Beacon node's {@code GET /metrics} (Prometheus text). */
public final class ServerMetrics {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerMetrics() {
    }

    /** The node's metrics, each series summed over its labels; empty when the endpoint cannot be read. */
    public static Map<String, Double> read(String host, int port) {
        try {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? parse(res.body()) : Map.of();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Map.of();
        }
    }

    /** Prometheus text → metric name (without labels) → value, summed over the name's label sets. */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String name;
            String rest;
            if (brace >= 0 && brace < space) {
                int close = line.indexOf('}', brace);
                if (close < 0) {
                    continue;
                }
                name = line.substring(0, brace);
                rest = line.substring(close + 1).strip();
            } else {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            }
            String value = rest.split("\\s+")[0];
            try {
                out.merge(name, Double.parseDouble(value), Double::sum);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return out;
    }

    /** {@code after[name] - before[name]}, or null when either reading lacks it. */
    public static Long delta(Map<String, Double> before, Map<String, Double> after, String name) {
        Double a = before.get(name);
        Double b = after.get(name);
        return a == null || b == null ? null : Math.round(b - a);
    }
}
