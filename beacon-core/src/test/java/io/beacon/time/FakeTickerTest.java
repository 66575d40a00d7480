package io.beacon.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FakeTickerTest {

  @Test
  void startsAtZeroNanosAndFixedWallClock() {
    FakeTicker ticker = new FakeTicker();

    assertThat(ticker.nanos()).isZero();
    assertThat(ticker.millis()).isEqualTo(1_700_000_000_000L).isEqualTo(FakeTicker.DEFAULT_START_MILLIS);
  }

  @Test
  void startMillisIsConfigurable() {
    FakeTicker ticker = new FakeTicker(42L);

    assertThat(ticker.millis()).isEqualTo(42L);
    assertThat(ticker.nanos()).isZero();
  }

  @Test
  void startNanosIsConfigurable() {
    FakeTicker ticker = new FakeTicker(5L, -17L);

    assertThat(ticker.millis()).isEqualTo(5L);
    assertThat(ticker.nanos()).isEqualTo(-17L);
  }

  @Test
  void advanceMovesBothClocks() {
    FakeTicker ticker = new FakeTicker();

    ticker.advance(Duration.ofSeconds(3));

    assertThat(ticker.nanos()).isEqualTo(3_000_000_000L);
    assertThat(ticker.millis()).isEqualTo(1_700_000_003_000L);
  }

  @Test
  void advanceMillisMovesBothClocks() {
    FakeTicker ticker = new FakeTicker(1_000L);

    ticker.advanceMillis(250);

    assertThat(ticker.nanos()).isEqualTo(250_000_000L);
    assertThat(ticker.millis()).isEqualTo(1_250L);
  }

  @Test
  void subMillisecondAdvancesAccumulateIntoMillis() {
    FakeTicker ticker = new FakeTicker(0L);

    ticker.advance(Duration.ofNanos(600_000));
    assertThat(ticker.millis()).isZero();
    ticker.advance(Duration.ofNanos(600_000));

    assertThat(ticker.millis()).isEqualTo(1L);
    assertThat(ticker.nanos()).isEqualTo(1_200_000L);
  }

  @Test
  void zeroAdvanceIsAllowed() {
    FakeTicker ticker = new FakeTicker();

    ticker.advance(Duration.ZERO);
    ticker.advanceMillis(0);

    assertThat(ticker.nanos()).isZero();
  }

  @Test
  void negativeAdvanceIsRejectedWithAnExplanation() {
    FakeTicker ticker = new FakeTicker();

    assertThatThrownBy(() -> ticker.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative")
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> ticker.advanceMillis(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative")
        .hasMessageContaining("-5");
    assertThat(ticker.nanos()).isZero();
  }

  @Test
  void nullDurationIsRejected() {
    FakeTicker ticker = new FakeTicker();

    assertThatThrownBy(() -> ticker.advance(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("duration");
  }

  @Test
  void overflowingAdvanceIsRejectedAndLeavesTheClockUnchanged() {
    FakeTicker ticker = new FakeTicker();
    ticker.advance(Duration.ofDays(365 * 200));
    long before = ticker.nanos();

    assertThatThrownBy(() -> ticker.advance(Duration.ofDays(365 * 100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflow");
    assertThatThrownBy(() -> ticker.advance(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> ticker.advanceMillis(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
    assertThat(ticker.nanos()).isEqualTo(before);
  }

  @Test
  void nanosWrapLikeSystemNanoTime() {
    FakeTicker ticker = new FakeTicker(0L, Long.MAX_VALUE - 10);

    ticker.advance(Duration.ofNanos(20));

    assertThat(ticker.nanos()).isEqualTo(Long.MIN_VALUE + 9);
    assertThat(ticker.nanos() - (Long.MAX_VALUE - 10)).isEqualTo(20);
  }

  @Test
  void readersOnAnotherThreadSeeMonotonicConsistentTime() throws Exception {
    FakeTicker ticker = new FakeTicker(0L);
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              long lastNanos = Long.MIN_VALUE;
              long lastMillis = Long.MIN_VALUE;
              started.countDown();
              for (int i = 0; i < 200_000; i++) {
                long nanos = ticker.nanos();
                long millis = ticker.millis();
                if (nanos < lastNanos || millis < lastMillis) {
                  failure.set(new AssertionError("time went backwards at read " + i));
                  return;
                }
                // millis() is read after nanos(), so it can only be ahead, never behind.
                if (millis < nanos / 1_000_000) {
                  failure.set(new AssertionError("millis " + millis + " behind nanos " + nanos));
                  return;
                }
                lastNanos = nanos;
                lastMillis = millis;
              }
            });
    reader.start();
    started.await();
    for (int i = 0; i < 100_000; i++) {
      ticker.advance(Duration.ofNanos(333_333));
    }
    reader.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(failure.get()).isNull();
    assertThat(ticker.nanos()).isEqualTo(100_000L * 333_333L);
  }

  @Test
  void systemTickerReadsTheRealClocks() {
    Ticker system = Ticker.system();
    long before = Instant.now().toEpochMilli();

    long first = system.nanos();
    long millis = system.millis();
    long second = system.nanos();

    assertThat(second - first).isGreaterThanOrEqualTo(0);
    assertThat(millis).isBetween(before - 1_000, Instant.now().toEpochMilli() + 1_000);
    assertThat(Ticker.system()).isSameAs(system);
  }
}
