package io.beacon.bench.jmh;

import io.beacon.time.FakeTicker;
import io.beacon.time.TimerWheel;
import io.beacon.time.Timeout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's one {@link TimerWheel}, loaded as a busy node's is: {@code liveTimeouts} scheduled
 * timeouts (one liveness deadline per session) in random memory order.
 *
 * <ul>
 *   <li>{@code reschedule}: a heartbeat pushes a live deadline back by 15–40 s (unlink + link);
 *   <li>{@code scheduleThenCancel}: a fresh timeout scheduled then cancelled (a hello timer);
 *   <li>{@code cancelThenRestore}: a live timeout cancelled then scheduled again at its deadline;
 *   <li>{@code advance10ms}: the clock moves 10 ms and about {@code duePerAdvance} timeouts fire,
 *       each rescheduling itself one period later, so the wheel stays at {@code liveTimeouts} and
 *       cascades from coarser levels are included, amortised. Divide the time per op by
 *       {@code duePerAdvance} for the cost per fired timeout.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimerWheelBenchmark {

    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000 * MILLI;

    /** Does nothing when it fires: the wheel's own cost only. */
    static final class Noop extends Timeout {
        @Override
        protected void expire() {
        }
    }

    /** Fires every {@code period}, like a liveness check that finds the session alive. */
    static final class Periodic extends Timeout {
        private final TimerWheel wheel;
        private final long period;

        Periodic(TimerWheel wheel, long period) {
            this.wheel = wheel;
            this.period = period;
        }

        @Override
        protected void expire() {
            wheel.schedule(this, deadline() + period);
        }
    }

    /** Randomly shuffled so that bucket lists link objects scattered in memory, as sessions are. */
    static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A wheel holding {@code liveTimeouts} deadlines 1–40 s ahead; the clock does not move. */
    @State(Scope.Thread)
    public static class Loaded {
        @Param({"1000000"})
        public int liveTimeouts;

        FakeTicker ticker;
        TimerWheel wheel;
        Noop[] live;
        Noop spare;
        /** Delays of 15–40 s, precomputed so the benchmark does not time a random generator. */
        long[] delays;
        int cursor;
        int delayCursor;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom random = new SplittableRandom(42);
            ticker = new FakeTicker();
            wheel = new TimerWheel(ticker);
            live = new Noop[liveTimeouts];
            for (int i = 0; i < liveTimeouts; i++) {
                live[i] = new Noop();
            }
            for (int i : shuffled(liveTimeouts, random)) {
                wheel.scheduleAfter(live[i], random.nextLong(SECOND, 40 * SECOND));
            }
            // the benchmarks walk live[] in order; scheduling went in shuffled order, so neighbours in a
            // bucket list are far apart in memory
            delays = new long[4096];
            for (int i = 0; i < delays.length; i++) {
                delays[i] = random.nextLong(15 * SECOND, 40 * SECOND);
            }
            spare = new Noop();
            if (wheel.size() != liveTimeouts) {
                throw new IllegalStateException("wheel holds " + wheel.size() + ", expected " + liveTimeouts);
            }
        }

        Noop nextLive() {
            int i = cursor;
            cursor = i + 1 == live.length ? 0 : i + 1;
            return live[i];
        }

        long nextDelay() {
            int i = delayCursor;
            delayCursor = (i + 1) & (delays.length - 1);
            return delays[i];
        }
    }

    /** A wheel holding {@code liveTimeouts} periodic timeouts whose period makes ~duePerAdvance fire per 10 ms. */
    @State(Scope.Thread)
    public static class Advancing {
        @Param({"1000000"})
        public int liveTimeouts;

        @Param({"10", "100", "1000"})
        public int duePerAdvance;

        FakeTicker ticker;
        TimerWheel wheel;
        long period;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom random = new SplittableRandom(7);
            ticker = new FakeTicker();
            wheel = new TimerWheel(ticker);
            // liveTimeouts deadlines spread evenly over one period: period / liveTimeouts apart, so a 10 ms step
            // covers duePerAdvance of them
            period = (long) liveTimeouts * 10 * MILLI / duePerAdvance;
            long spacing = period / liveTimeouts;
            Periodic[] timeouts = new Periodic[liveTimeouts];
            for (int i = 0; i < liveTimeouts; i++) {
                timeouts[i] = new Periodic(wheel, period);
            }
            int[] order = shuffled(liveTimeouts, random);
            for (int slot = 0; slot < liveTimeouts; slot++) {
                wheel.schedule(timeouts[order[slot]], ticker.nanos() + (slot + 1) * spacing);
            }
        }
    }

    @Benchmark
    public void reschedule(Loaded s, Blackhole bh) {
        Noop t = s.nextLive();
        s.wheel.schedule(t, s.ticker.nanos() + s.nextDelay());
        bh.consume(t);
    }

    @Benchmark
    public boolean scheduleThenCancel(Loaded s) {
        s.wheel.scheduleAfter(s.spare, s.nextDelay());
        return s.wheel.cancel(s.spare);
    }

    @Benchmark
    public void cancelThenRestore(Loaded s, Blackhole bh) {
        Noop t = s.nextLive();
        long deadline = t.deadline();
        bh.consume(s.wheel.cancel(t));
        s.wheel.schedule(t, deadline);
    }

    @Benchmark
    public void advance10ms(Advancing s, Blackhole bh) {
        s.ticker.advanceMillis(10);
        bh.consume(s.wheel.advance());
    }
}
