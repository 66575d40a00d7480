package io.beacon.bench.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.presence.Device;
import io.beacon.protocol.Messages;
import io.beacon.rooms.RoomMember;
import io.beacon.rooms.RoomSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The byte scanning and decoding of the rooms benchmark, on frames the server's own encoder writes. */
class RoomFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[][] ROOMS = {"bench:big".getBytes(StandardCharsets.US_ASCII),
            "bench:small".getBytes(StandardCharsets.US_ASCII)};

    private static RoomMember member(String user, long seq, String meta) {
        return new RoomMember(user, seq, Set.of(), List.of(new RoomSession("s-" + user, "node1", Device.WEB, meta, 1_795_331_881_000L)));
    }

    private static ByteBuf buf(byte[] json) {
        return Unpooled.wrappedBuffer(json);
    }

    @Test
    void diffsAreRecognisedWithTheirRoomAndCountWithoutDecoding() {
        RoomMember mover = member("u7", 8, RoomFrames.cursorMeta(1, 2, 123_456_789L));
        byte[] json = Messages.roomDiff("bench:big", List.of(), List.of("u9"), List.of(mover), 10_000, 41, 42, true).json();
        ByteBuf b = buf(json);
        assertThat(RoomFrames.kind(b)).isEqualTo(RoomFrames.DIFF);
        assertThat(RoomFrames.room(b, ROOMS)).isEqualTo(0);
        assertThat(RoomFrames.lastCount(b)).isEqualTo(10_000);
        assertThat(b.readerIndex()).isZero(); // nothing consumed

        byte[] small = Messages.roomDiff("bench:small", List.of(member("u1", 1, "{}")), List.of(), List.of(), 3, 1, 2, false).json();
        assertThat(RoomFrames.room(buf(small), ROOMS)).isEqualTo(1);
        assertThat(RoomFrames.lastCount(buf(small))).isEqualTo(3);
        byte[] other = Messages.roomDiff("bench:bigger", List.of(), List.of(), List.of(), 3, 1, 2, false).json();
        assertThat(RoomFrames.room(buf(other), ROOMS)).isEqualTo(-1);
    }

    @Test
    void snapshotsWithIdAndTypingAreRecognised() {
        List<RoomMember> shown = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            shown.add(member("u" + i, i + 1, "{\"cursor\":{\"x\":0,\"y\":0}}"));
        }
        byte[] json = Messages.roomSnapshot("17", "bench:big", shown, 9_999, 77, true, List.of("u3")).json();
        ByteBuf b = buf(json);
        assertThat(RoomFrames.kind(b)).isEqualTo(RoomFrames.SNAPSHOT);
        assertThat(RoomFrames.room(b, ROOMS)).isEqualTo(0);
        assertThat(RoomFrames.lastCount(b)).isEqualTo(9_999);
    }

    @Test
    void aCountInsideMetaDoesNotFoolTheScanWhenTheRealOneFollows() {
        RoomMember tricky = member("u1", 1, "{\"count\":5}");
        byte[] json = Messages.roomDiff("bench:big", List.of(), List.of(), List.of(tricky), 12, 1, 2, false).json();
        assertThat(RoomFrames.lastCount(buf(json))).isEqualTo(12);
    }

    @Test
    void otherFramesAreToldApart() {
        assertThat(RoomFrames.kind(buf("{\"type\":\"welcome\",\"session_id\":\"x\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(RoomFrames.WELCOME);
        assertThat(RoomFrames.kind(buf("{\"type\":\"error\",\"code\":\"forbidden\"}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(RoomFrames.ERROR);
        assertThat(RoomFrames.kind(buf("{\"type\":\"ack\",\"id\":1}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(RoomFrames.OTHER);
        assertThat(RoomFrames.kind(buf("{\"ty".getBytes(StandardCharsets.UTF_8)))).isEqualTo(RoomFrames.OTHER);
        assertThat(RoomFrames.lastCount(buf("{\"type\":\"ack\"}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(-1);
    }

    @Test
    void sendTimesAreReadFromTheUpdatedMembersMeta() throws Exception {
        RoomMember a = member("u1", 1, RoomFrames.cursorMeta(3, 4, 1_000L));
        RoomMember b = member("u2", 2, RoomFrames.cursorMeta(5, 6, 2_000L));
        RoomMember noTime = member("u3", 3, "{\"cursor\":{\"x\":0,\"y\":0}}");
        JsonNode diff = JSON.readTree(Messages.roomDiff("bench:big", List.of(), List.of(), List.of(a, b, noTime), 3, 1, 2, false).json());
        List<String> times = new ArrayList<>();
        RoomFrames.metaTimes(diff, (user, t) -> times.add(user + "@" + t));
        assertThat(times).containsExactly("u1@1000", "u2@2000");
    }

    @Test
    void aSnapshotListsItsMembersInJoinOrder() throws Exception {
        JsonNode snap = JSON.readTree(Messages.roomSnapshot("1", "bench:big",
                List.of(member("u5", 1, "{}"), member("u2", 2, "{}"), member("u9", 3, "{}")), 3, 3, false, List.of()).json());
        assertThat(RoomFrames.memberIds(snap)).containsExactly("u5", "u2", "u9");
    }

    @Test
    void cursorMetaIsCompactJsonUnderTheMetaLimit() throws Exception {
        String meta = RoomFrames.cursorMeta(1919, 1079, Long.MAX_VALUE);
        assertThat(JSON.readTree(meta).path("t").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(meta.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    }

    @Test
    void prometheusTextIsSummedOverLabels() {
        Map<String, Double> m = ServerMetrics.parse("""
                # HELP beacon_room_messages_total room snapshots and diffs sent
                # TYPE beacon_room_messages_total counter
                beacon_room_messages_total 12345.0
                beacon_messages_out_total{transport="ws"} 10.0
                beacon_messages_out_total{transport="sse"} 5.0
                jvm_memory_used_bytes{area="heap",id="eden space"} 1.5E7
                """);
        assertThat(m).containsEntry("beacon_room_messages_total", 12345.0).containsEntry("beacon_messages_out_total", 15.0)
                .containsEntry("jvm_memory_used_bytes", 1.5e7);
        assertThat(ServerMetrics.delta(Map.of("a", 1.0), m, "a")).isNull();
        assertThat(ServerMetrics.delta(Map.of("beacon_room_messages_total", 45.0), m, "beacon_room_messages_total")).isEqualTo(12300L);
    }
}
