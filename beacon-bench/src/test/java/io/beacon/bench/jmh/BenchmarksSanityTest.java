package io.beacon.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ProtocolLimits;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.options.Options;

/** The benchmarks measure what they claim: run their set-up and a few ops at small sizes. */
class BenchmarksSanityTest {
    private static final Blackhole BH =
            new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void timerWheelOpsKeepTheWheelFull() {
        TimerWheelBenchmark b = new TimerWheelBenchmark();
        TimerWheelBenchmark.Loaded s = new TimerWheelBenchmark.Loaded();
        s.liveTimeouts = 10_000;
        s.setUp();
        for (int i = 0; i < 30_000; i++) {
            b.reschedule(s, BH);
            assertThat(b.scheduleThenCancel(s)).isTrue();
            b.cancelThenRestore(s, BH);
        }
        assertThat(s.wheel.size()).isEqualTo(10_000);
        assertThat(s.spare.isScheduled()).isFalse();
    }

    @Test
    void advanceFiresAboutDuePerAdvance() {
        TimerWheelBenchmark b = new TimerWheelBenchmark();
        TimerWheelBenchmark.Advancing s = new TimerWheelBenchmark.Advancing();
        s.liveTimeouts = 100_000;
        s.duePerAdvance = 100;
        s.setUp();
        int fired = 0;
        int steps = 3_000; // 30 s: three periods of 10 s
        for (int i = 0; i < steps; i++) {
            s.ticker.advanceMillis(10);
            fired += s.wheel.advance();
        }
        assertThat(fired).isEqualTo(steps * 100);
        assertThat(s.wheel.size()).isEqualTo(100_000);
        b.advance10ms(s, BH);
    }

    @Test
    void aggregationFlipChangesThePresenceEveryTime() {
        for (int n : new int[] {1, 3, 10}) {
            AggregationBenchmark b = new AggregationBenchmark();
            b.sessions = n;
            b.setUp();
            long v = b.record.version();
            for (int i = 0; i < 4; i++) {
                b.putSessionIdleFlip(BH);
                assertThat(b.record.version()).isGreaterThan(v);
                v = b.record.version();
            }
            assertThat(b.record.sessions()).hasSize(n);
            b.refresh(BH);
        }
    }

    @Test
    void encodingAndParsingProduceTheExpectedMessages() throws Exception {
        JsonNode json = new ObjectMapper().readTree(Messages.presence(PresenceEncodingBenchmark.TYPICAL).json());
        assertThat(json.path("type").asText()).isEqualTo("presence");
        assertThat(json.path("devices")).hasSize(2);
        assertThat(json.path("custom_status").path("emoji").asText()).isEqualTo("📅");
        PresenceEncodingBenchmark b = new PresenceEncodingBenchmark();
        assertThat(b.parser.parse(PresenceEncodingBenchmark.SET_STATUS)).isInstanceOf(ClientMessage.SetStatus.class);
        ClientMessage sub = b.parser.parse(PresenceEncodingBenchmark.SUBSCRIBE_20);
        assertThat(((ClientMessage.Subscribe) sub).userIds()).hasSize(20);
        b.encodePresence(BH);
        b.parseSetStatus(BH);
        b.parseSubscribe20(BH);
        assertThat(ProtocolLimits.DEFAULTS.maxUserIds()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void fanoutDeliversEveryFlipToEverySubscriber() {
        FanoutBenchmark b = new FanoutBenchmark();
        b.subscribers = 1_000;
        b.prewarmNanos = 0;
        b.setUp(); // checks two flips itself
        long before = b.delivered();
        for (int i = 0; i < 10; i++) {
            b.statusFlip(BH);
        }
        assertThat(b.delivered() - before).isEqualTo(10_000);
        assertThat(b.watchers[0].bytes).isPositive();
    }

    @Test
    void mainSelectsTheFourBenchmarksWithQuickSettings() {
        Options quick = JmhMain.options(true, "/tmp/x.json", List.of()).build();
        assertThat(quick.getIncludes()).hasSize(4);
        assertThat(quick.getForkCount().get()).isEqualTo(1);
        assertThat(quick.getWarmupIterations().get()).isEqualTo(2);
        assertThat(quick.getMeasurementIterations().get()).isEqualTo(3);
        assertThat(quick.getResult().get()).isEqualTo("/tmp/x.json");
        Options full = JmhMain.options(false, null, List.of("Fanout")).build();
        assertThat(full.getIncludes()).containsExactly("Fanout");
        assertThat(full.getMeasurementIterations().get()).isEqualTo(5);
        assertThat(full.getMeasurementTime().get().getTime()).isEqualTo(2);
    }
}
