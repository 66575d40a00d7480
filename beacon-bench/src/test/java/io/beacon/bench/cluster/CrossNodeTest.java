package io.beacon.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CrossNodeTest {
    @Test
    void everyContactIsOnAnotherNodeDistinctAndMutual() {
        for (int nodes : new int[] {2, 3, 4}) {
            int users = 1_200;
            for (int u = 0; u < users; u++) {
                int[] c = CrossNode.contacts(u, users, nodes, 10);
                assertThat(c).hasSize(20);
                Set<Integer> set = new HashSet<>();
                for (int x : c) {
                    assertThat(CrossNode.node(x, nodes)).as("user %d watches %d, nodes %d", u, x, nodes).isNotEqualTo(CrossNode.node(u, nodes));
                    assertThat(x).isNotEqualTo(u);
                    set.add(x);
                    int back = u;
                    assertThat(Arrays.stream(CrossNode.contacts(x, users, nodes, 10)).anyMatch(y -> y == back)).isTrue();
                }
                assertThat(set).hasSize(20);
            }
        }
    }

    @Test
    void distancesSkipMultiplesOfTheNodeCount() {
        assertThat(CrossNode.distances(1_000, 4, 6)).containsExactly(1, 2, 3, 5, 6, 7);
        assertThat(CrossNode.distances(1_000, 1, 3)).containsExactly(1, 2, 3);
        assertThat(CrossNode.distances(10, 2, 10)).containsExactly(1, 3); // below users / 2 only
    }

    @Test
    void refusesUsersThatDoNotDivideIntoNodes() {
        assertThatThrownBy(() -> CrossNode.contacts(0, 10, 4, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
