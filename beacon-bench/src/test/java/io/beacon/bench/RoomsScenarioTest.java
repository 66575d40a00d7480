package io.beacon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beacon.bench.beacon.RoomFleet;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RoomsScenarioTest {
    @Test
    void sizesAndOverrides() {
        RoomsScenario s = new RoomsScenario();
        assertThat(s.params(false, Map.of())).containsEntry("members", 10_000).containsEntry("movers", 50)
                .containsEntry("move_hz", 20).containsEntry("seconds", 20).containsEntry("join_rate", 2_000);
        assertThat(s.params(true, Map.of())).containsEntry("members", 2_000).containsEntry("seconds", 8);
        assertThat(s.params(true, Map.of("members", "500", "join_rate", "0"))).containsEntry("members", 500L).containsEntry("join_rate", 0L);
        assertThatThrownBy(() -> s.params(true, Map.of("sessions", "5"))).hasMessageContaining("unknown parameter");
        assertThatThrownBy(() -> s.params(true, Map.of("move_hz", "50"))).hasMessageContaining("move_hz");
        assertThatThrownBy(() -> s.params(true, Map.of("observers", "0"))).hasMessageContaining("observers");
        assertThatThrownBy(() -> s.params(true, Map.of("members", "50"))).hasMessageContaining("small_members");
        assertThatThrownBy(() -> s.params(true, Map.of("small_members", "3000"))).hasMessageContaining("small_members");
    }

    @Test
    void appliesToBeaconOnlyAndIsListed() {
        RoomsScenario s = new RoomsScenario();
        assertThat(s.notApplicable("beacon")).isNull();
        for (String peer : List.of("prosody", "ejabberd", "mosquitto")) {
            assertThat(s.notApplicable(peer)).contains("does not apply to " + peer);
        }
        assertThat(Scenarios.byName("rooms")).isInstanceOf(RoomsScenario.class);
        assertThat(Scenarios.all()).extracting(Scenario::name).contains("rooms");
        // the side-by-side scenarios still run against every system (rooms and the cluster ones are Beacon's own)
        assertThat(Scenarios.all()).filteredOn(x -> !List.of("rooms", "cluster-redis", "cluster").contains(x.name()))
                .allSatisfy(x -> assertThat(x.notApplicable("mosquitto")).isNull());
    }

    @Test
    void userIdsMapToFleetIndexes() {
        assertThat(RoomsScenario.userIndex("u0")).isZero();
        assertThat(RoomsScenario.userIndex("u9999")).isEqualTo(9_999);
        assertThat(RoomsScenario.userIndex("alice")).isEqualTo(-1);
        assertThat(RoomsScenario.userIndex("ux")).isEqualTo(-1);
    }

    @Test
    void aDiffShowsEveryMoveOfItsMoverUpToThePositionItCarries() {
        // u1 moved at 100, 150, 200, 250; observer 7 was shown 150 at 1,000 and 250 at 2,000 (100 and 200 were
        // superseded); observer 8 was shown 100 at 300 only: 150, 200 and 250 never reached it
        List<long[]> sends = List.of(new long[] {100, 150, 200, 250});
        List<RoomFleet.Delivery> got = List.of(new RoomFleet.Delivery(7, "u1", 250, 2_000), new RoomFleet.Delivery(7, "u1", 150, 1_000),
                new RoomFleet.Delivery(8, "u1", 100, 300), new RoomFleet.Delivery(7, "u99", 250, 2_000));
        Histogram h = new Histogram(3);
        long unseen = RoomsScenario.seen(List.of("u1"), sends, List.of(7, 8), got, h);
        assertThat(unseen).isEqualTo(3);
        assertThat(h.getTotalCount()).isEqualTo(5);
        assertThat(h.getMinValue()).isEqualTo(200); // 100 → 300 at observer 8
        assertThat(h.getMaxValue()).isEqualTo(1_800); // 200 → 2,000 at observer 7
        assertThat(h.getValueAtPercentile(50)).isEqualTo(900); // of 200, 850, 900, 1,750, 1,800
    }
}
