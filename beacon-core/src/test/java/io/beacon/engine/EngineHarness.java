package io.beacon.engine;

import io.beacon.bus.InMemoryBus;
import io.beacon.presence.InMemoryPresenceStore;
import io.beacon.privacy.Projection;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.settings.InMemorySettingsStore;
import io.beacon.time.FakeTicker;
import java.time.Duration;
import java.util.List;

/** An engine on a fake clock with in-memory stores and a direct executor. */
public final class EngineHarness {
    public final FakeTicker ticker = new FakeTicker();
    public final InMemoryPresenceStore presenceStore = new InMemoryPresenceStore();
    public final InMemorySettingsStore settingsStore = new InMemorySettingsStore();
    public final InMemoryBus bus = new InMemoryBus();
    public final PresenceEngine engine;
    private final ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);
    private final List<RecordingConnection> healthy = new java.util.ArrayList<>();

    public EngineHarness() {
        this(EngineOptions.builder().nodeId("node-a").build());
    }

    public EngineHarness(EngineOptions options) {
        this(options, null);
    }

    /** @param projection {@code null}: {@link Projection#PUBLIC}; else made from this harness's settings store and clock */
    public EngineHarness(EngineOptions options, java.util.function.BiFunction<InMemorySettingsStore, FakeTicker, Projection> projection) {
        Projection p = projection == null ? Projection.PUBLIC : projection.apply(settingsStore, ticker);
        engine = new PresenceEngine(options, ticker, Runnable::run, presenceStore, settingsStore, bus, p);
    }

    /** Opens a connection and says hello as {@code userId}. */
    public RecordingConnection connect(String userId, String device) {
        return connect(userId, device, null);
    }

    public RecordingConnection connect(String userId, String device, String resume) {
        return connect(userId, device, resume, List.of());
    }

    /** Connects with a token whose {@code rooms} claim is {@code rooms}. */
    public RecordingConnection connect(String userId, String device, String resume, List<String> rooms) {
        RecordingConnection c = new RecordingConnection();
        c.touch(ticker.nanos());
        engine.connectionOpened(c);
        String json = "{\"type\":\"hello\",\"token\":\"t\",\"device\":\"" + device + "\",\"protocol\":1"
                + (resume == null ? "" : ",\"resume\":\"" + resume + "\"") + "}";
        engine.hello(c, userId, null, rooms, (ClientMessage.Hello) parser.parse(json));
        return c;
    }

    /** Sends a client message (JSON) on the connection, counting as a frame. */
    public void send(RecordingConnection c, String json) {
        c.touch(ticker.nanos());
        engine.message(c, parser.parse(json));
    }

    /** Marks a connection as a healthy client: it answers every ping at once while time moves. */
    public RecordingConnection healthy(RecordingConnection c) {
        healthy.add(c);
        return c;
    }

    /** Moves time forward and fires what came due. */
    public void advance(Duration d) {
        ticker.advance(d);
        for (RecordingConnection c : healthy) {
            c.touch(ticker.nanos());
        }
        engine.tick();
    }

    /** Moves time in small steps, firing deadlines along the way (as the server's periodic tick does). */
    public void run(Duration d, Duration step) {
        long remaining = d.toNanos();
        while (remaining > 0) {
            long s = Math.min(step.toNanos(), remaining);
            advance(Duration.ofNanos(s));
            remaining -= s;
        }
    }

    public void closeConnection(RecordingConnection c) {
        engine.connectionClosed(c);
    }
}
