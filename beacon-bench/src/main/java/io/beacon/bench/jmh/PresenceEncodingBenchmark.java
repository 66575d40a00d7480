package io.beacon.bench.jmh;

import io.beacon.presence.CustomStatus;
import io.beacon.presence.Device;
import io.beacon.presence.DeviceStatus;
import io.beacon.presence.Presence;
import io.beacon.presence.Status;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ProtocolLimits;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The protocol's hot encoding and parsing: a typical {@code presence} message (two devices, an
 * activity, a custom status with emoji and expiry) encoded into a fresh message each op (the message
 * caches its JSON, so reusing one would time a field read), and the parsing of the two commonest
 * client messages, {@code set_status} and a {@code subscribe} of 20 ids.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PresenceEncodingBenchmark {
    static final Presence TYPICAL = new Presence("user-48213", Status.ONLINE, "in_call",
            new CustomStatus("In a meeting until 3pm", "📅", 1_700_003_600_000L), 1_699_990_000_000L, null,
            List.of(new DeviceStatus(Device.DESKTOP, Status.ONLINE), new DeviceStatus(Device.MOBILE, Status.AWAY)),
            1_700_000_000_123L, false);

    static final String SET_STATUS = "{\"type\":\"set_status\",\"id\":42,\"status\":\"busy\"}";
    static final String SUBSCRIBE_20 = subscribe(20);

    final ClientMessages parser = new ClientMessages(ProtocolLimits.DEFAULTS);

    static String subscribe(int n) {
        StringBuilder b = new StringBuilder("{\"type\":\"subscribe\",\"id\":\"req-17\",\"user_ids\":[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"user-").append(10_000 + i * 37).append('"');
        }
        return b.append("]}").toString();
    }

    @Benchmark
    public void encodePresence(Blackhole bh) {
        bh.consume(Messages.presence(TYPICAL).json());
    }

    @Benchmark
    public void parseSetStatus(Blackhole bh) {
        bh.consume(parser.parse(SET_STATUS));
    }

    @Benchmark
    public void parseSubscribe20(Blackhole bh) {
        bh.consume(parser.parse(SUBSCRIBE_20));
    }
}
