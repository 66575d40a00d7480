package io.beacon.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisInfoTest {
    static final String BEFORE = """
            # Server\r
            redis_version:7.0.15\r
            \r
            # Stats\r
            total_net_input_bytes:1000\r
            total_net_output_bytes:2000\r
            pubsub_channels:3\r
            \r
            # CPU\r
            used_cpu_sys:1.500000\r
            used_cpu_user:2.250000\r
            \r
            # Commandstats\r
            cmdstat_hgetall:calls=10,usec=50,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r
            cmdstat_info:calls=4,usec=400,usec_per_call=100.00,rejected_calls=0,failed_calls=0\r
            cmdstat_publish:calls=10,usec=30,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r
            """;
    static final String AFTER = """
            # Stats\r
            total_net_input_bytes:1500\r
            total_net_output_bytes:2600\r
            # CPU\r
            used_cpu_sys:1.600000\r
            used_cpu_user:2.400000\r
            # Commandstats\r
            cmdstat_hgetall:calls=30,usec=150,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r
            cmdstat_info:calls=9,usec=900,usec_per_call=100.00,rejected_calls=0,failed_calls=0\r
            cmdstat_publish:calls=10,usec=30,usec_per_call=3.00,rejected_calls=0,failed_calls=0\r
            cmdstat_evalsha:calls=2,usec=20,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r
            """;

    @Test
    void parsesFieldsAndCommandstats() {
        RedisInfo i = RedisInfo.parse(BEFORE, 0);
        assertThat(i.fields()).containsEntry("redis_version", "7.0.15").containsEntry("pubsub_channels", "3");
        assertThat(i.number("pubsub_channels")).isEqualTo(3);
        assertThat(i.number("absent")).isEqualTo(-1);
        assertThat(i.commands()).containsKeys("hgetall", "info", "publish");
        assertThat(i.commands().get("hgetall")).isEqualTo(new RedisInfo.CommandStat(10, 50));
        assertThat(i.cpuMicros()).isEqualTo(3_750_000);
    }

    @Test
    void deltaLeavesOutTheHarnessesOwnInfoCallsAndUnchangedCommands() {
        RedisInfo.Delta d = RedisInfo.parse(AFTER, 2_000_000_000L).delta(RedisInfo.parse(BEFORE, 0));
        assertThat(d.calls()).containsOnlyKeys("hgetall", "evalsha").containsEntry("hgetall", 20L).containsEntry("evalsha", 2L);
        assertThat(d.totalCalls()).isEqualTo(22);
        assertThat(d.commandUsec()).isEqualTo(120);
        assertThat(d.cpuMicros()).isEqualTo(250_000);
        assertThat(d.seconds()).isEqualTo(2.0);
        assertThat(d.netInBytes()).isEqualTo(500);
        assertThat(d.netOutBytes()).isEqualTo(600);
    }

    @Test
    void respEncodesCommandsAndReadsEveryReplyType() throws Exception {
        assertThat(new String(Resp.encode("INFO", "all"), StandardCharsets.UTF_8)).isEqualTo("*2\r\n$4\r\nINFO\r\n$3\r\nall\r\n");
        String replies = "+PONG\r\n:42\r\n$5\r\nhé\r\n\r\n$-1\r\n*2\r\n:1\r\n$1\r\nx\r\n";
        var in = new ByteArrayInputStream(replies.getBytes(StandardCharsets.UTF_8));
        assertThat(Resp.read(in)).isEqualTo("PONG");
        assertThat(Resp.read(in)).isEqualTo(42L);
        assertThat(Resp.read(in)).isEqualTo("hé\r\n");
        assertThat(Resp.read(in)).isNull();
        assertThat(Resp.read(in)).isEqualTo(List.of(1L, "x"));
    }
}
