package io.beacon.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void startsFullAndRefillsAtItsRateUpToTheBurst() {
        TokenBucket b = new TokenBucket(10, 20, 0);
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquire(0)).isTrue();
        }
        assertThat(b.tryAcquire(0)).isFalse();
        assertThat(b.tryAcquire(SECOND / 10 - 1)).as("not quite one token yet").isFalse();
        assertThat(b.tryAcquire(SECOND / 10)).isTrue();
        assertThat(b.tryAcquire(SECOND / 10)).isFalse();
        // a long pause refills to the burst, not beyond
        long later = 100 * SECOND;
        for (int i = 0; i < 20; i++) {
            assertThat(b.tryAcquire(later)).isTrue();
        }
        assertThat(b.tryAcquire(later)).isFalse();
    }

    @Test
    void aClockThatGoesBackRefillsNothing() {
        TokenBucket b = new TokenBucket(1, 1, 5 * SECOND);
        assertThat(b.tryAcquire(5 * SECOND)).isTrue();
        assertThat(b.tryAcquire(SECOND)).isFalse();
        assertThat(b.tryAcquire(6 * SECOND)).isTrue();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).hasMessage("perSecond must be > 0, was 0.0");
        assertThatThrownBy(() -> new TokenBucket(1, 0.5, 0)).hasMessage("burst must be >= 1, was 0.5");
    }
}
