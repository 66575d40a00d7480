package io.beacon.bench.jmh;

import io.beacon.bus.InMemoryBus;
import io.beacon.engine.Connection;
import io.beacon.engine.EngineOptions;
import io.beacon.engine.PresenceEngine;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.protocol.ServerMessage;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import java.util.List;
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
 * Local fan-out through a real {@link PresenceEngine} (in-memory stores and bus, a direct executor,
 * {@link Projection#PUBLIC}): one user flips {@code set_status} busy/auto and the change reaches all
 * {@code subscribers} sessions watching it. An op is the whole path: the parsed message, the settings
 * and presence stores ({@code Aggregation.apply}), the bus, and the delivery loop with the projection;
 * each subscriber's {@link Connection#send} counts and reads the message's JSON (encoded once, shared).
 * Deliveries per second = ops/s × {@code subscribers}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FanoutBenchmark {

    /** A connection that only counts what it is sent. */
    static final class CountingConnection extends Connection {
        long messages;
        long bytes;

        @Override
        public void send(ServerMessage message) {
            messages++;
            bytes += message.json().length;
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    @Param({"10", "1000", "10000"})
    public int subscribers;

    PresenceEngine engine;
    CountingConnection target;
    CountingConnection[] watchers;
    ClientMessage busy;
    ClientMessage auto;
    boolean isBusy;

    @Setup(Level.Trial)
    public void setUp() {
        ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
        FakeTicker ticker = new FakeTicker();
        engine = new PresenceEngine(EngineOptions.builder().nodeId("bench").build(), ticker, Runnable::run,
                new InMemoryPresenceStore(), new InMemorySettingsStore(), new InMemoryBus(), Projection.PUBLIC);
        ClientMessage.Hello hello = (ClientMessage.Hello) parser.parse(
                "{\"type\":\"hello\",\"token\":\"t\",\"device\":\"web\",\"protocol\":1}");
        target = connect(hello, "target");
        ClientMessage subscribe = parser.parse("{\"type\":\"subscribe\",\"id\":1,\"user_ids\":[\"target\"]}");
        watchers = new CountingConnection[subscribers];
        for (int i = 0; i < subscribers; i++) {
            watchers[i] = connect(hello, "s" + i);
            engine.message(watchers[i], subscribe);
        }
        busy = parser.parse("{\"type\":\"set_status\",\"status\":\"busy\"}");
        auto = parser.parse("{\"type\":\"set_status\",\"status\":\"auto\"}");
        isBusy = false;
        // check: one flip reaches every subscriber exactly once
        long before = delivered();
        flip();
        flip();
        long got = delivered() - before;
        if (got != 2L * subscribers) {
            throw new IllegalStateException("two flips delivered " + got + " messages to " + subscribers + " subscribers");
        }
        // Part of the warm-up, done here so that even a --quick run (2 × 1 s warm-up) measures compiled code:
        // at 10,000 subscribers an op takes ~0.2 ms, and the delivery loop needs a few thousand calls before
        // C2 has compiled it as a method rather than only by on-stack replacement.
        long until = System.nanoTime() + prewarmNanos;
        while (System.nanoTime() - until < 0) {
            for (int i = 0; i < 16; i++) {
                flip();
            }
        }
    }

    /** JIT warm-up run in the trial set-up, before JMH's own warm-up iterations. */
    static final long PREWARM_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** {@link #PREWARM_NANOS}; tests set it to 0. */
    long prewarmNanos = PREWARM_NANOS;

    private CountingConnection connect(ClientMessage.Hello hello, String userId) {
        CountingConnection c = new CountingConnection();
        engine.connectionOpened(c);
        engine.hello(c, userId, null, List.of(), hello);
        return c;
    }

    long delivered() {
        long n = 0;
        for (CountingConnection c : watchers) {
            n += c.messages;
        }
        return n;
    }

    private void flip() {
        engine.message(target, isBusy ? auto : busy);
        isBusy = !isBusy;
    }

    /** One status change of the watched user, delivered to every subscriber. */
    @Benchmark
    public void statusFlip(Blackhole bh) {
        flip();
        bh.consume(watchers[watchers.length - 1].messages);
    }
}
