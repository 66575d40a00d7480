package io.beacon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.bench.beacon.BeaconSystem;
import io.beacon.bench.beacon.RoomFleet;
import io.beacon.bench.beacon.RoomFrames;
import io.beacon.bench.beacon.ServerMetrics;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * {@code rooms} (Beacon only): one big room joined by every member at once, then cursor traffic in
 * it, then the same cursor traffic in a small room.
 *
 * <ol>
 *   <li>{@code members} clients connect (not measured beyond {@code connect_s}).</li>
 *   <li><b>Join storm</b>: every member joins {@code bench:big}, {@code join_rate} joins per second
 *   (0: all at once). Measured: until every member has its snapshot ({@code storm_s}), until every
 *   member's view shows {@code count == members} ({@code converged_s}), join → snapshot latency, and
 *   the room messages and bytes all members received until the room was quiet again — against the
 *   {@code members²/2} messages of a design that sends every join to every member.</li>
 *   <li><b>Cursor traffic</b>: {@code movers} members among the first shown (the first
 *   {@code room_large_threshold} in join order, read from a fresh snapshot) send {@code room_meta}
 *   at {@code move_hz} for {@code seconds}, each carrying its {@code System.nanoTime()} in
 *   {@code t}. Measured: room messages and bytes per member per second, and two latencies at the
 *   {@code observers} (members spread over the join order; all others only count frames and bytes):
 *   <ul>
 *     <li>{@code p50_ms … max_ms, samples}: from a move's send to the receipt of a {@code room_diff}
 *     carrying it, for the moves that are carried: the age of each position a viewer is shown;</li>
 *     <li>{@code move_p50_ms … move_max_ms}: from every move to the first diff showing it or a later
 *     position of the same mover (meta is latest-wins: superseded positions are never sent), i.e. how
 *     long a viewer's picture lags behind a moving cursor; a large room's once-a-second batching shows
 *     here as 0–1 s. {@code moves_unseen}: (observer, move) pairs never shown by the end.</li>
 *   </ul></li>
 *   <li>The same cursor traffic in a small room {@code bench:small}: members {@code 0..small_members-1}
 *   join it (the big room stays joined and quiet), {@code small_movers} of them move; columns
 *   {@code small_*}.</li>
 * </ol>
 *
 * {@code join_rate} defaults to 2,000 joins per second, an arrival rate the load generator sustains on
 * two cores beside the server (10,000 members join in 5 s); {@code --set join_rate=0} sends every
 * join at once. {@code move_hz} is at most 20 (the server writes a member's meta at most every 50 ms).
 *
 * <p>Prosody, ejabberd and Mosquitto have no comparable room presence in this harness: the scenario
 * does not apply to them, and {@link BenchMain} skips them.
 */
public final class RoomsScenario implements Scenario {
    static final String BIG_ROOM = "bench:big";
    static final String SMALL_ROOM = "bench:small";
    static final int BIG = 0;
    static final int SMALL = 1;
    /** A large room sends at most one diff a second: quiet for longer than that means done. */
    static final Duration LARGE_QUIET = Duration.ofMillis(1_500);
    static final Duration SMALL_QUIET = Duration.ofMillis(500);
    /** Waiting for snapshots or convergence gives up after this long without progress. */
    static final Duration STALL = Duration.ofSeconds(30);
    static final String JOIN_META = "{\"cursor\":{\"x\":0,\"y\":0}}";

    @Override
    public String name() {
        return "rooms";
    }

    @Override
    public Map<String, Object> params(boolean quick, Map<String, String> o) {
        Map<String, Object> p = Scenarios.params(o, "members", quick ? 2_000 : 10_000, "join_rate", 2_000,
                "observers", 200, "movers", 50, "move_hz", 20, "seconds", quick ? 8 : 20,
                "small_members", 100, "small_movers", 10);
        check(p);
        return p;
    }

    static void check(Map<String, Object> p) {
        int members = Scenario.intParam(p, "members");
        require(members >= 2, "members must be at least 2, was " + members);
        require(Scenario.intParam(p, "join_rate") >= 0, "join_rate must be >= 0 (0: as fast as the clients can)");
        int observers = Scenario.intParam(p, "observers");
        require(observers >= 1, "observers must be at least 1 (at most members of each room decode: it is capped), was " + observers);
        int movers = Scenario.intParam(p, "movers");
        require(movers >= 1 && movers <= members, "movers must be 1..members, was " + movers);
        int hz = Scenario.intParam(p, "move_hz");
        require(hz >= 1 && hz <= 20, "move_hz must be 1..20 (cursor moves per second per mover), was " + hz);
        require(Scenario.intParam(p, "seconds") >= 1, "seconds must be at least 1");
        int small = Scenario.intParam(p, "small_members");
        require(small >= 2 && small <= members, "small_members must be 2..members, was " + small);
        int smallMovers = Scenario.intParam(p, "small_movers");
        require(smallMovers >= 1 && smallMovers <= small, "small_movers must be 1..small_members, was " + smallMovers);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String notApplicable(String system) {
        return "beacon".equals(system) ? null
                : "rooms does not apply to " + system + ": room presence (join snapshots, member diffs, cursor meta) "
                  + "is Beacon's own; Prosody, ejabberd and Mosquitto have nothing comparable in this harness";
    }

    @Override
    public int[][] contacts(Map<String, Object> p) {
        return new int[0][]; // rooms need no contacts: the tokens' rooms claim is all
    }

    @Override
    public Map<String, Object> run(PresenceSystem system, EventLoopGroup clients, Map<String, Object> p, Progress progress)
            throws Exception {
        if (!(system instanceof BeaconSystem beacon)) {
            throw new IllegalArgumentException(notApplicable(system.name()));
        }
        Map<String, String> endpoint = beacon.endpoint();
        return measure(endpoint.get("host"), Integer.parseInt(endpoint.get("port")), endpoint.get("secret"), system.pid(),
                clients, p, progress);
    }

    /** The scenario against a Beacon node at host:port ({@code serverPid} ≤ 0: no CPU or RSS readings). */
    static Map<String, Object> measure(String host, int port, String secret, long serverPid, EventLoopGroup clients,
                                       Map<String, Object> p, Progress progress) throws Exception {
        int n = Scenario.intParam(p, "members");
        int joinRate = Scenario.intParam(p, "join_rate");
        int observers = Scenario.intParam(p, "observers");
        int movers = Scenario.intParam(p, "movers");
        int hz = Scenario.intParam(p, "move_hz");
        int seconds = Scenario.intParam(p, "seconds");
        int smallN = Scenario.intParam(p, "small_members");
        int smallMovers = Scenario.intParam(p, "small_movers");

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "beacon");
        r.put("members", n);
        try (RoomFleet fleet = new RoomFleet(clients, host, port, secret, "bench:*", BIG_ROOM, SMALL_ROOM)) {
            // 1. connect
            long c0 = System.nanoTime();
            List<RoomFleet.Member> all = fleet.connect(0, n, progress, "beacon");
            r.put("connect_s", secs(System.nanoTime() - c0));
            fleet.startHeartbeats(SystemSettings.DEFAULTS.heartbeatInterval());
            int bigObservers = Math.min(observers, n);
            for (int i = 0; i < bigObservers; i++) {
                all.get((int) ((long) i * n / bigObservers)).observe(BIG);
            }
            List<RoomFleet.Member> smallMembers = all.subList(0, smallN);
            for (int i = 0; i < Math.min(observers, smallN); i++) {
                smallMembers.get(i).observe(SMALL);
            }

            // 2. join storm
            fleet.target(BIG, n);
            Map<String, Double> m0 = ServerMetrics.read(host, port);
            long cpu0 = cpu(serverPid);
            long t0 = System.nanoTime();
            pace(n, joinRate, i -> all.get(i).join(BIG, JOIN_META), progress, "beacon join storm: sending joins");
            r.put("join_send_s", secs(System.nanoTime() - t0));
            int missing = awaitAll(all, v -> v.view(BIG).snapshotNanos, progress, "beacon join storm: snapshots");
            int unconverged = awaitAll(all, v -> v.view(BIG).convergedNanos, progress, "beacon join storm: converging on count " + n);
            awaitQuiet(all, BIG, LARGE_QUIET, progress, "beacon join storm: waiting for the room to go quiet");
            Map<String, Double> m1 = ServerMetrics.read(host, port);
            long cpu1 = cpu(serverPid);
            r.put("storm_s", secs(max(all, v -> v.view(BIG).snapshotNanos) - t0));
            r.put("converged_s", unconverged == n ? null : secs(max(all, v -> v.view(BIG).convergedNanos) - t0));
            Histogram joins = new Histogram(3_600_000_000_000L, 3);
            for (RoomFleet.Member m : all) {
                RoomFleet.View v = m.view(BIG);
                if (v.snapshotNanos > 0 && v.snapshotNanos >= v.joinSentNanos) {
                    joins.recordValue(v.snapshotNanos - v.joinSentNanos);
                }
            }
            r.put("join_p50_ms", Recorder.ms(joins.getValueAtPercentile(50)));
            r.put("join_p99_ms", Recorder.ms(joins.getValueAtPercentile(99)));
            r.put("join_max_ms", Recorder.ms(joins.getMaxValue()));
            long stormMessages = sum(all, m -> m.view(BIG).frames);
            long stormBytes = sum(all, m -> m.view(BIG).bytes);
            long naive = (long) n * n / 2;
            r.put("storm_messages", stormMessages);
            r.put("storm_msgs_per_member", round1(stormMessages / (double) n));
            r.put("storm_msgs_max_member", max(all, m -> m.view(BIG).frames));
            r.put("storm_mb", round1(stormBytes / 1048576.0));
            r.put("storm_kb_per_member", round1(stormBytes / 1024.0 / n));
            r.put("naive_messages", naive);
            r.put("naive_over_actual", Math.round(naive / (double) Math.max(1, stormMessages)));
            r.put("server_storm_room_messages", ServerMetrics.delta(m0, m1, "beacon_room_messages_total"));
            r.put("server_storm_messages_out", ServerMetrics.delta(m0, m1, "beacon_messages_out_total"));
            if (serverPid > 0) {
                r.put("storm_server_cpu_s", secs((cpu1 - cpu0) * 1_000L));
            }
            r.put("missing_snapshots", missing);
            r.put("not_converged", unconverged);
            if (unconverged > 0) {
                r.put("not_converged_counts", countsOf(all, BIG, n));
            }

            // 3. cursor traffic in the big room, by members among the first shown
            JsonNode snapshot = all.get(0).resync(BIG).get(30, TimeUnit.SECONDS);
            List<RoomFleet.Member> bigMovers = firstShown(snapshot, all, movers);
            r.put("large", snapshot.path("large").asBoolean(false));
            r.put("shown", snapshot.path("members").size());
            r.put("observers", bigObservers);
            r.put("movers", bigMovers.size());
            r.put("move_hz", hz);
            Cursor big = cursor(fleet, host, port, serverPid, all, BIG, bigMovers, hz, seconds, LARGE_QUIET, progress);
            big.put(r, "");

            // 4. the same in a small room
            fleet.target(SMALL, smallN);
            long s0 = System.nanoTime();
            for (RoomFleet.Member m : smallMembers) {
                m.join(SMALL, JOIN_META);
            }
            int smallMissing = awaitAll(smallMembers, v -> v.view(SMALL).snapshotNanos, progress, "beacon small room: snapshots");
            int smallUnconverged = awaitAll(smallMembers, v -> v.view(SMALL).convergedNanos, progress, "beacon small room: converging");
            awaitQuiet(smallMembers, SMALL, SMALL_QUIET, progress, "beacon small room: waiting for quiet");
            long smallJoinMessages = sum(smallMembers, m -> m.view(SMALL).frames);
            JsonNode smallSnapshot = smallMembers.get(0).resync(SMALL).get(30, TimeUnit.SECONDS);
            List<RoomFleet.Member> smallMoving = firstShown(smallSnapshot, all, smallMovers);
            r.put("small_members", smallN);
            r.put("small_large", smallSnapshot.path("large").asBoolean(false));
            r.put("small_storm_s", secs(max(smallMembers, v -> v.view(SMALL).snapshotNanos) - s0));
            r.put("small_join_messages", smallJoinMessages);
            r.put("small_naive_messages", (long) smallN * smallN / 2);
            r.put("small_observers", Math.min(observers, smallN));
            r.put("small_movers", smallMoving.size());
            if (smallMissing > 0 || smallUnconverged > 0) {
                r.put("small_missing_snapshots", smallMissing);
                r.put("small_not_converged", smallUnconverged);
            }
            Cursor sm = cursor(fleet, host, port, serverPid, smallMembers, SMALL, smallMoving, hz, seconds, SMALL_QUIET, progress);
            sm.put(r, "small_");

            // what went wrong, if anything
            r.put("disconnects", fleet.disconnects.sum());
            if (fleet.disconnects.sum() > 0) {
                r.put("close_reasons", fleet.closeReasonCounts());
            }
            r.put("errors", fleet.errors.sum());
            if (!fleet.errorSamples.isEmpty()) {
                r.put("error_samples", new ArrayList<>(fleet.errorSamples));
            }
            if (serverPid > 0) {
                r.put("rss_mb_total", Math.round(Processes.rssKb(serverPid) / 102.4) / 10.0);
            }
            return r;
        }
    }

    // ------------------------------------------------------------------ cursor phase

    /** The figures of one cursor phase. */
    record Cursor(int members, long moves, double seconds, long frames, long bytes, Histogram latency, Histogram seen,
                  long unseen, long decoded, Long serverRoomMessages, long cpuMicros) {
        void put(Map<String, Object> r, String prefix) {
            r.put(prefix + "cursor_s", round1(seconds));
            r.put(prefix + "moves_sent", moves);
            r.put(prefix + "msgs_per_member_s", round1(frames / (double) members / seconds));
            r.put(prefix + "kb_per_member_s", round1(bytes / 1024.0 / members / seconds));
            Map<String, Object> lat = new LinkedHashMap<>();
            Scenarios.putLatency(lat, latency);
            lat.forEach((k, v) -> r.put(prefix + k, v));
            r.put(prefix + "move_p50_ms", Recorder.ms(seen.getValueAtPercentile(50)));
            r.put(prefix + "move_p99_ms", Recorder.ms(seen.getValueAtPercentile(99)));
            r.put(prefix + "move_max_ms", Recorder.ms(seen.getMaxValue()));
            r.put(prefix + "moves_unseen", unseen);
            r.put(prefix + "diffs_decoded", decoded);
            r.put(prefix + "server_room_msgs_per_s", serverRoomMessages == null ? null : Math.round(serverRoomMessages / seconds));
            if (cpuMicros >= 0) {
                r.put(prefix + "server_cpu_pct", Math.round(cpuMicros / 1e4 / seconds));
            }
        }
    }

    static Cursor cursor(RoomFleet fleet, String host, int port, long serverPid, List<RoomFleet.Member> in, int room,
                         List<RoomFleet.Member> movers, int hz, int seconds, Duration quiet, Progress progress)
            throws InterruptedException {
        String what = "beacon " + fleet.room(room) + " cursors";
        RoomFleet.Recording rec = fleet.recording(room);
        long frames0 = sum(in, m -> m.view(room).frames);
        long bytes0 = sum(in, m -> m.view(room).bytes);
        Map<String, Double> m0 = ServerMetrics.read(host, port);
        long cpu0 = cpu(serverPid);
        rec.start();
        long start = System.nanoTime();
        long period = 1_000_000_000L / hz;
        long end = start + seconds * 1_000_000_000L;
        long[] next = new long[movers.size()];
        long[][] sent = new long[movers.size()][hz * seconds + 2];
        int[] sentCount = new int[movers.size()];
        for (int i = 0; i < next.length; i++) {
            next[i] = start + period * i / next.length; // spread over the period
        }
        long moves = 0;
        long lastReport = start;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long soonest = end;
            for (int i = 0; i < next.length; i++) {
                if (next[i] <= now) {
                    int step = (int) (moves % 1000);
                    long t = System.nanoTime();
                    movers.get(i).meta(room, RoomFrames.cursorMeta(100 + i * 7 + step, 200 + step, t));
                    if (sentCount[i] == sent[i].length) {
                        sent[i] = java.util.Arrays.copyOf(sent[i], sent[i].length * 2);
                    }
                    sent[i][sentCount[i]++] = t;
                    moves++;
                    next[i] += period;
                    if (next[i] <= now) {
                        next[i] = now + period; // fell behind: no burst to catch up
                    }
                }
                soonest = Math.min(soonest, next[i]);
            }
            if (now - lastReport > 1_000_000_000L) {
                lastReport = now;
                progress.update(what + " " + (now - start) / 1_000_000_000L + "/" + seconds + " s, " + moves + " moves");
            }
            long wait = soonest - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(Math.min(wait, 1_000_000));
            }
        }
        long sendEnd = System.nanoTime();
        long frames = sum(in, m -> m.view(room).frames) - frames0;
        long bytes = sum(in, m -> m.view(room).bytes) - bytes0;
        Map<String, Double> m1 = ServerMetrics.read(host, port);
        long cpu1 = cpu(serverPid);
        double secs = (sendEnd - start) / 1e9;
        awaitQuiet(in, room, quiet, progress, what + ": the last diffs");
        rec.stop();
        List<Integer> observers = new ArrayList<>();
        for (RoomFleet.Member m : in) {
            if (m.observes(room)) {
                observers.add(m.index);
            }
        }
        List<long[]> sends = new ArrayList<>();
        List<String> moverIds = new ArrayList<>();
        for (int i = 0; i < movers.size(); i++) {
            sends.add(java.util.Arrays.copyOf(sent[i], sentCount[i]));
            moverIds.add(movers.get(i).userId());
        }
        Histogram seen = new Histogram(3_600_000_000_000L, 3);
        long unseen = seen(moverIds, sends, observers, rec.deliveries(), seen);
        return new Cursor(in.size(), moves, secs, frames, bytes, rec.latency(), seen, unseen, rec.decoded.sum(),
                ServerMetrics.delta(m0, m1, "beacon_room_messages_total"), serverPid > 0 ? cpu1 - cpu0 : -1);
    }

    /**
     * When each move was seen by each observer: a diff showing the mover's position sent at {@code t}
     * shows every move of that mover sent up to {@code t} not shown before (latest wins: the positions
     * in between are never sent). Records, for every observer and every move, the time from the move
     * to the first diff showing it or a later position; returns the (observer, move) pairs never shown.
     *
     * @param sends send times of each mover's moves, ascending, in the order of {@code movers}
     */
    static long seen(List<String> movers, List<long[]> sends, List<Integer> observers, List<RoomFleet.Delivery> deliveries,
                     Histogram out) {
        Map<String, Integer> moverSlot = new java.util.HashMap<>();
        for (int i = 0; i < movers.size(); i++) {
            moverSlot.put(movers.get(i), i);
        }
        Map<Long, List<RoomFleet.Delivery>> byPair = new java.util.HashMap<>();
        for (RoomFleet.Delivery d : deliveries) {
            Integer slot = moverSlot.get(d.userId());
            if (slot != null) {
                byPair.computeIfAbsent(((long) d.observer() << 32) | slot, k -> new ArrayList<>()).add(d);
            }
        }
        long unseen = 0;
        for (int observer : observers) {
            for (int slot = 0; slot < movers.size(); slot++) {
                long[] s = sends.get(slot);
                int next = 0;
                List<RoomFleet.Delivery> got = byPair.getOrDefault(((long) observer << 32) | slot, List.of());
                got.sort(java.util.Comparator.comparingLong(RoomFleet.Delivery::receivedNanos));
                for (RoomFleet.Delivery d : got) {
                    while (next < s.length && s[next] <= d.sentNanos()) {
                        out.recordValue(Math.max(0, d.receivedNanos() - s[next]));
                        next++;
                    }
                }
                unseen += s.length - next;
            }
        }
        return unseen;
    }

    /** The members of the first {@code k} users a snapshot shows (join order), as fleet members. */
    static List<RoomFleet.Member> firstShown(JsonNode snapshot, List<RoomFleet.Member> all, int k) {
        List<RoomFleet.Member> out = new ArrayList<>(k);
        for (String id : RoomFrames.memberIds(snapshot)) {
            if (out.size() == k) {
                break;
            }
            int i = userIndex(id);
            if (i >= 0 && i < all.size()) {
                out.add(all.get(i));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("the snapshot shows no member of the fleet: " + abbreviate(snapshot.toString()));
        }
        return out;
    }

    static int userIndex(String userId) {
        if (userId.length() < 2 || userId.charAt(0) != 'u') {
            return -1;
        }
        try {
            return Integer.parseInt(userId, 1, userId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ pacing and waiting

    /** Runs {@code action(0..count-1)} at {@code rate} per second (0: all at once). */
    static void pace(int count, int rate, IntConsumer action, Progress progress, String what) {
        if (rate <= 0) {
            for (int i = 0; i < count; i++) {
                action.accept(i);
            }
            return;
        }
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        int i = 0;
        while (i < count) {
            long now = System.nanoTime();
            while (i < count && start + i * interval <= now) {
                action.accept(i++);
            }
            if (i % 500 == 0) {
                progress.update(what + " " + i + "/" + count);
            }
            if (i < count) {
                LockSupport.parkNanos(Math.min(1_000_000, start + i * interval - now));
            }
        }
    }

    /**
     * Waits until {@code stamp} is non-zero for every member, or nothing moved for {@link #STALL};
     * returns how many are still zero.
     */
    static int awaitAll(List<RoomFleet.Member> who, ToLongFunction<RoomFleet.Member> stamp, Progress progress, String what)
            throws InterruptedException {
        int lastDone = -1;
        long lastChange = System.nanoTime();
        while (true) {
            int done = 0;
            for (RoomFleet.Member m : who) {
                if (stamp.applyAsLong(m) != 0) {
                    done++;
                }
            }
            if (done == who.size()) {
                return 0;
            }
            if (done != lastDone) {
                lastDone = done;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL.toNanos()) {
                return who.size() - done;
            }
            progress.update(what + " " + done + "/" + who.size());
            Thread.sleep(20);
        }
    }

    /** Waits until the members received no frame of the room for {@code quiet} (at most a minute). */
    static void awaitQuiet(List<RoomFleet.Member> who, int room, Duration quiet, Progress progress, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = sum(who, m -> m.view(room).frames);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since >= quiet.toNanos()) {
                return;
            }
            progress.update(what);
            Thread.sleep(50);
        }
    }

    // ------------------------------------------------------------------ small helpers

    static long sum(List<RoomFleet.Member> who, ToLongFunction<RoomFleet.Member> f) {
        long s = 0;
        for (RoomFleet.Member m : who) {
            s += f.applyAsLong(m);
        }
        return s;
    }

    static long max(List<RoomFleet.Member> who, ToLongFunction<RoomFleet.Member> f) {
        long s = Long.MIN_VALUE;
        for (RoomFleet.Member m : who) {
            s = Math.max(s, f.applyAsLong(m));
        }
        return s;
    }

    /** For the members whose view did not reach {@code target}: how many are stuck at each count. */
    static Map<Long, Integer> countsOf(List<RoomFleet.Member> who, int room, long target) {
        Map<Long, Integer> m = new java.util.TreeMap<>();
        for (RoomFleet.Member x : who) {
            long c = x.view(room).count;
            if (c < target) {
                m.merge(c, 1, Integer::sum);
            }
        }
        return m;
    }

    static long cpu(long pid) {
        return pid > 0 ? Processes.cpuMicros(pid) : -1;
    }

    static double secs(long nanos) {
        return Math.round(nanos / 1e7) / 100.0;
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
