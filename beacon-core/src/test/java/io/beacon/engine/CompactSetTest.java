package io.beacon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactSetTest {
    @Test
    void behavesLikeAHashSetAcrossTheArrayLimit() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            CompactSet<Integer> set = new CompactSet<>();
            Set<Integer> model = new HashSet<>();
            int range = 1 + rnd.nextInt(100);
            for (int op = 0; op < 300; op++) {
                int v = rnd.nextInt(range);
                switch (rnd.nextInt(3)) {
                    case 0 -> assertThat(set.add(v)).isEqualTo(model.add(v));
                    case 1 -> assertThat(set.remove(v)).isEqualTo(model.remove(v));
                    default -> assertThat(set.contains(v)).isEqualTo(model.contains(v));
                }
                assertThat(set.size()).isEqualTo(model.size());
            }
            assertThat(new HashSet<>(set)).isEqualTo(model);
        }
    }

    @Test
    void iteratorRemoveKeepsEveryOtherElement() {
        CompactSet<Integer> set = new CompactSet<>();
        for (int i = 0; i < 10; i++) {
            set.add(i);
        }
        for (Iterator<Integer> it = set.iterator(); it.hasNext(); ) {
            if (it.next() % 2 == 0) {
                it.remove();
            }
        }
        assertThat(set).containsExactlyInAnyOrder(1, 3, 5, 7, 9);
    }
}
