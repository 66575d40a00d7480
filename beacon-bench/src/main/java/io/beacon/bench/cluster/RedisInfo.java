package io.beacon.bench.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One reading of Redis's {@code INFO}: the {@code field:value} lines, and {@code commandstats} as calls
 * and microseconds per command. Differences of two readings ({@link #delta}) give what happened in
 * between; the harness's own {@code INFO} calls are left out of every command count.
 */
public record RedisInfo(Map<String, String> fields, Map<String, CommandStat> commands, long atNanos) {

    /** Calls of one command and the Redis CPU microseconds spent in them (as INFO commandstats says). */
    public record CommandStat(long calls, long usec) {
    }

    /** Commands the harness itself sends to read Redis: never counted as load. */
    static final java.util.Set<String> OWN = java.util.Set.of("info");

    /** Parses the text of {@code INFO} (any sections). */
    public static RedisInfo parse(String text, long atNanos) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, CommandStat> commands = new TreeMap<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1);
            if (key.startsWith("cmdstat_")) {
                long calls = 0;
                long usec = 0;
                for (String kv : value.split(",")) {
                    int eq = kv.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String k = kv.substring(0, eq);
                    String v = kv.substring(eq + 1);
                    if (k.equals("calls")) {
                        calls = Long.parseLong(v);
                    } else if (k.equals("usec")) {
                        usec = Long.parseLong(v);
                    }
                }
                commands.put(key.substring("cmdstat_".length()), new CommandStat(calls, usec));
            } else {
                fields.put(key, value);
            }
        }
        return new RedisInfo(fields, commands, atNanos);
    }

    public long number(String field) {
        String v = fields.get(field);
        return v == null ? -1 : Long.parseLong(v.strip());
    }

    /** used_cpu_sys + used_cpu_user, in microseconds (main thread and every other thread of the server). */
    public long cpuMicros() {
        return Math.round((decimal("used_cpu_sys") + decimal("used_cpu_user")) * 1e6);
    }

    private double decimal(String field) {
        String v = fields.get(field);
        return v == null ? 0 : Double.parseDouble(v.strip());
    }

    /** What changed from {@code before} to this reading: calls per command (without the harness's own), CPU. */
    public Delta delta(RedisInfo before) {
        Map<String, Long> calls = new TreeMap<>();
        long usec = 0;
        for (Map.Entry<String, CommandStat> e : commands.entrySet()) {
            if (OWN.contains(e.getKey())) {
                continue;
            }
            CommandStat b = before.commands.getOrDefault(e.getKey(), new CommandStat(0, 0));
            long d = e.getValue().calls() - b.calls();
            if (d > 0) {
                calls.put(e.getKey(), d);
            }
            usec += Math.max(0, e.getValue().usec() - b.usec());
        }
        return new Delta(calls, usec, cpuMicros() - before.cpuMicros(), (atNanos - before.atNanos) / 1e9,
                number("total_net_input_bytes") - before.number("total_net_input_bytes"),
                number("total_net_output_bytes") - before.number("total_net_output_bytes"));
    }

    /** Between two readings: calls per command, the commands' own µs, server CPU µs, seconds, network bytes. */
    public record Delta(Map<String, Long> calls, long commandUsec, long cpuMicros, double seconds, long netInBytes,
                        long netOutBytes) {
        public long totalCalls() {
            long n = 0;
            for (long c : calls.values()) {
                n += c;
            }
            return n;
        }
    }
}
