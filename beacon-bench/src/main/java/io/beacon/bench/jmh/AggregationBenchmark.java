package io.beacon.bench.jmh;

import io.beacon.presence.Aggregation;
import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.ManualStatus;
import io.beacon.presence.PresenceUpdate;
import io.beacon.presence.SessionRecord;
import io.beacon.presence.UserRecord;
import io.beacon.time.FakeTicker;
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
 * {@link Aggregation#apply}, the pure function every presence store runs for every change, for a user
 * with {@code sessions} sessions: session 0 is the only web session and flips between idle and active
 * (a changed presence: its device goes away/online, and with one session the status too); the others
 * are active desktop/mobile/other sessions. {@code refresh} recomputes without a change (an expiry).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AggregationBenchmark {
    private static final Device[] OTHER_DEVICES = {Device.DESKTOP, Device.MOBILE, Device.OTHER};
    private static final PresenceUpdate REFRESH = new PresenceUpdate.Refresh();

    @Param({"1", "3", "10"})
    public int sessions;

    long now;
    UserRecord record;
    PresenceUpdate goIdle;
    PresenceUpdate goActive;
    boolean idle;

    @Setup(Level.Trial)
    public void setUp() {
        now = FakeTicker.DEFAULT_START_MILLIS;
        record = UserRecord.empty("user-48213");
        record = Aggregation.apply(record, new PresenceUpdate.Seed(ManualStatus.AUTO,
                new CustomStatus("Working from home", "🏠", 0), now - 3_600_000), now);
        SessionRecord web = null;
        for (int i = 0; i < sessions; i++) {
            Device device = i == 0 ? Device.WEB : OTHER_DEVICES[(i - 1) % OTHER_DEVICES.length];
            SessionRecord s = new SessionRecord("sess-" + i + "-k2v9x", "node-a", device, false, now - 60_000L * (i + 1),
                    i == 1 ? "in_call" : null, i == 1 ? now - 30_000 : 0, 0);
            if (i == 0) {
                web = s;
            }
            record = Aggregation.apply(record, new PresenceUpdate.PutSession(s), now);
        }
        goIdle = new PresenceUpdate.PutSession(web.withIdle(true));
        goActive = new PresenceUpdate.PutSession(web);
        idle = false;
        long before = record.version();
        UserRecord flipped = Aggregation.apply(record, goIdle, now);
        if (flipped.version() == before || flipped.sessions().size() != sessions) {
            throw new IllegalStateException("the idle flip must change the presence");
        }
    }

    /** One idle/active flip of the web session: a changed presence, a new version. */
    @Benchmark
    public void putSessionIdleFlip(Blackhole bh) {
        UserRecord r = Aggregation.apply(record, idle ? goActive : goIdle, now);
        idle = !idle;
        record = r;
        bh.consume(r);
    }

    /** A recompute that changes nothing. */
    @Benchmark
    public void refresh(Blackhole bh) {
        bh.consume(Aggregation.apply(record, REFRESH, now));
    }
}
