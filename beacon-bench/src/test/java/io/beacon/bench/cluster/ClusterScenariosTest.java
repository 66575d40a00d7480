package io.beacon.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beacon.bench.Scenario;
import io.beacon.bench.Scenarios;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterScenariosTest {
    @Test
    void clusterRedisRunsBeaconAndTheBaselineOnly() {
        Scenario s = Scenarios.byName("cluster-redis");
        assertThat(s.defaultSystems()).containsExactly("beacon", "baseline");
        assertThat(s.notApplicable("beacon")).isNull();
        assertThat(s.notApplicable("baseline")).isNull();
        for (String peer : List.of("prosody", "ejabberd", "mosquitto")) {
            assertThat(s.notApplicable(peer)).contains(peer);
        }
    }

    @Test
    void clusterRunsBeaconOnlyAndSendsTheBaselineToClusterRedis() throws Exception {
        Scenario s = Scenarios.byName("cluster");
        assertThat(s.defaultSystems()).containsExactly("beacon");
        assertThat(s.notApplicable("beacon")).isNull();
        assertThat(s.notApplicable("baseline")).contains("cluster-redis");
        assertThat(s.notApplicable("mosquitto")).isNotNull();
        assertThat(s.createSystem("baseline", s.params(true, Map.of()))).isNull();
        assertThat(s.createSystem("beacon", s.params(true, Map.of()))).isInstanceOf(ClusterSystem.class);
    }

    @Test
    void sizesKeepEveryProcessUnderTwentyThousandSockets() {
        Map<String, Object> full = Scenarios.byName("cluster").params(false, Map.of());
        assertThat(full).containsEntry("nodes", 4).containsEntry("sessions", 50_000).containsEntry("generators", 4);
        assertThatThrownBy(() -> Scenarios.byName("cluster").params(false, Map.of("generators", "2")))
                .hasMessageContaining("20,000");
        assertThatThrownBy(() -> Scenarios.byName("cluster").params(false, Map.of("sessions", "50001")))
                .hasMessageContaining("multiple of nodes");
        assertThatThrownBy(() -> Scenarios.byName("cluster-redis").params(true, Map.of("sessions", "4001")))
                .hasMessageContaining("multiple");
    }
}
