package io.beacon.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** The shared listener of a fleet: delivery latencies of tokens, counts of updates and offline events. */
public final class Recorder implements PresenceListener {
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    public final LongAdder deliveries = new LongAdder();
    public final LongAdder offlineEvents = new LongAdder();
    public final AtomicLong lastDeliveryNanos = new AtomicLong();
    private volatile boolean recording;
    private volatile PresenceListener extra;

    /** Starts counting (setup traffic before this is ignored). */
    public void start() {
        latency.reset();
        deliveries.reset();
        offlineEvents.reset();
        recording = true;
    }

    public void stop() {
        recording = false;
    }

    /** Also tells another listener (a scenario's own bookkeeping). */
    public void also(PresenceListener l) {
        this.extra = l;
    }

    @Override
    public void onPresence(int from, boolean online, String token, long receivedNanos) {
        PresenceListener x = extra;
        if (x != null) {
            x.onPresence(from, online, token, receivedNanos);
        }
        if (!recording) {
            return;
        }
        if (!online) {
            offlineEvents.increment();
            return;
        }
        long sent = Tokens.sentNanos(token);
        if (sent > 0 && receivedNanos >= sent) {
            latency.recordValue(receivedNanos - sent);
            deliveries.increment();
            lastDeliveryNanos.accumulateAndGet(receivedNanos, Math::max);
        }
    }

    public Histogram latency() {
        return latency.copy();
    }

    public static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }
}
