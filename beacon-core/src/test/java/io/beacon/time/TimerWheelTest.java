package io.beacon.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimerWheelTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);
  private static final long DAY = TimeUnit.DAYS.toNanos(1);

  /** Starting nanos for the wheel: plain, unaligned, and both places where a long wraps. */
  static LongStream origins() {
    return LongStream.of(
        0L,
        123_456_789_123L,
        Long.MAX_VALUE - 90 * MINUTE, // crosses MAX_VALUE -> MIN_VALUE (signed wrap)
        -3 * SECOND, // crosses -1 -> 0 (unsigned wrap)
        Long.MIN_VALUE + 11);
  }

  /** Delays on both sides of every level boundary, from ms through the >39 h overflow level. */
  static LongStream delays() {
    return LongStream.of(
        1,
        MS,
        5 * MS,
        (1L << 23) - 1,
        1L << 23,
        (1L << 23) + 1,
        100 * MS,
        (1L << 29) - 1,
        1L << 29,
        SECOND,
        30 * SECOND,
        (1L << 35) + 1,
        5 * MINUTE,
        HOUR,
        1L << 41,
        2 * HOUR,
        30 * HOUR,
        (1L << 47) - 1,
        1L << 47,
        40 * HOUR,
        3 * DAY,
        30 * DAY,
        400 * DAY);
  }

  static Stream<Arguments> delaysAtEachOrigin() {
    return origins().boxed().flatMap(o -> delays().mapToObj(d -> Arguments.of(d, o)));
  }

  private static FakeTicker tickerAt(long originNanos) {
    return new FakeTicker(FakeTicker.DEFAULT_START_MILLIS, originNanos);
  }

  private static void advance(FakeTicker ticker, long nanos) {
    ticker.advance(Duration.ofNanos(nanos));
  }

  /** Records when (in ticker nanos) it fired; runs an optional action from expire(). */
  static class Recorder extends Timeout {
    final FakeTicker ticker;
    final List<Long> firedAt = new ArrayList<>();
    Runnable action = () -> {};

    Recorder(FakeTicker ticker) {
      this.ticker = ticker;
    }

    int fired() {
      return firedAt.size();
    }

    @Override
    protected void expire() {
      firedAt.add(ticker.nanos());
      action.run();
    }
  }

  // ---------------------------------------------------------------- basics

  @Test
  void emptyWheel() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);

    assertThat(wheel.size()).isZero();
    assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    assertThat(wheel.advance()).isZero();
    assertThat(wheel.ticker()).isSameAs(ticker);
  }

  @Test
  void argumentsAreChecked() {
    TimerWheel wheel = new TimerWheel(new FakeTicker());

    assertThatThrownBy(() -> new TimerWheel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker must not be null");
    assertThatThrownBy(() -> wheel.schedule(null, 5))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout must not be null");
    assertThatThrownBy(() -> wheel.scheduleAfter(null, 5))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout must not be null");
    assertThatThrownBy(() -> wheel.cancel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout must not be null");
    assertThat(wheel.size()).isZero();
  }

  @Test
  void scheduleFireAndState() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);

    wheel.schedule(t, 50 * MS);

    assertThat(t.isScheduled()).isTrue();
    assertThat(t.deadline()).isEqualTo(50 * MS);
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(wheel.nextDeadline()).isEqualTo(50 * MS);

    advance(ticker, 50 * MS - 1);
    assertThat(wheel.advance()).isZero();
    assertThat(t.fired()).isZero();

    advance(ticker, 1);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.firedAt).containsExactly(50 * MS);
    assertThat(t.isScheduled()).isFalse();
    assertThat(wheel.size()).isZero();
    assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE);

    advance(ticker, HOUR);
    assertThat(wheel.advance()).isZero();
    assertThat(t.fired()).isEqualTo(1);
  }

  @Test
  void scheduleAfterIsRelativeToTheTickerNotTheLastAdvance() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    advance(ticker, 10 * SECOND); // the wheel has not seen this yet

    wheel.scheduleAfter(t, 2 * SECOND);

    assertThat(t.deadline()).isEqualTo(12 * SECOND);
    advance(ticker, 2 * SECOND - 1);
    assertThat(wheel.advance()).isZero();
    advance(ticker, 1);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.firedAt).containsExactly(12 * SECOND);
  }

  @Test
  void cancel() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    Recorder other = new Recorder(ticker);
    wheel.scheduleAfter(t, SECOND);
    wheel.scheduleAfter(other, SECOND);

    assertThat(wheel.cancel(t)).isTrue();
    assertThat(wheel.cancel(t)).isFalse();
    assertThat(t.isScheduled()).isFalse();
    assertThat(wheel.size()).isEqualTo(1);

    advance(ticker, 2 * SECOND);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.fired()).isZero();
    assertThat(other.fired()).isEqualTo(1);
    assertThat(wheel.cancel(other)).as("already fired").isFalse();
    assertThat(wheel.cancel(new Recorder(ticker))).as("never scheduled").isFalse();
  }

  @Test
  void cancelledTimeoutCanBeScheduledAgain() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    wheel.scheduleAfter(t, SECOND);
    wheel.cancel(t);

    wheel.scheduleAfter(t, 3 * SECOND);

    advance(ticker, 3 * SECOND);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.firedAt).containsExactly(3 * SECOND);
  }

  @ParameterizedTest
  @MethodSource("origins")
  void rescheduleMovesTheTimeoutLaterOrEarlier(long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);

    wheel.scheduleAfter(t, 30 * SECOND);
    wheel.scheduleAfter(t, 10 * HOUR); // later: a heartbeat pushed it back
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(t.deadline()).isEqualTo(origin + 10 * HOUR);

    advance(ticker, 30 * SECOND);
    assertThat(wheel.advance()).isZero();

    wheel.scheduleAfter(t, 20 * MS); // earlier: from level 3 down to level 0
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(wheel.nextDeadline()).isEqualTo(origin + 30 * SECOND + 20 * MS);
    advance(ticker, 19 * MS);
    assertThat(wheel.advance()).isZero();
    advance(ticker, MS);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.firedAt).containsExactly(origin + 30 * SECOND + 20 * MS);

    advance(ticker, 11 * HOUR);
    assertThat(wheel.advance()).isZero();
    assertThat(t.fired()).isEqualTo(1);
  }

  @Test
  void timeoutBelongsToOneWheelAtATime() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel a = new TimerWheel(ticker);
    TimerWheel b = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    a.scheduleAfter(t, SECOND);

    assertThatThrownBy(() -> b.scheduleAfter(t, SECOND))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another TimerWheel");
    assertThatThrownBy(() -> b.cancel(t))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another TimerWheel");
    assertThat(a.size()).isEqualTo(1);
    assertThat(b.size()).isZero();

    a.cancel(t);
    b.scheduleAfter(t, SECOND);
    advance(ticker, SECOND);
    assertThat(a.advance()).isZero();
    assertThat(b.advance()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- precision at every level

  @ParameterizedTest(name = "delay {0} ns from origin {1}")
  @MethodSource("delaysAtEachOrigin")
  void firesAtTheDeadlineNeverEarlyWhenJumpingToIt(long delay, long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    wheel.scheduleAfter(t, delay);

    advance(ticker, delay - 1);
    assertThat(wheel.advance()).isZero();
    assertThat(t.fired()).isZero();
    assertThat(wheel.nextDeadline()).isEqualTo(origin + delay);

    advance(ticker, 1);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.firedAt).containsExactly(origin + delay);
    assertThat(wheel.size()).isZero();
  }

  @ParameterizedTest(name = "delay {0} ns from origin {1}")
  @MethodSource("delaysAtEachOrigin")
  void firesOnTheFirstAdvanceAtOrAfterTheDeadlineWhenStepping(long delay, long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    wheel.scheduleAfter(t, delay);
    Random random = new Random(delay ^ origin);
    // ~200 irregular steps to (and past) the deadline, crossing bucket boundaries at odd places
    long maxStep = Math.max(1, delay / 100);

    long elapsed = 0;
    while (t.fired() == 0) {
      long step = 1 + (long) (random.nextDouble() * maxStep);
      advance(ticker, step);
      elapsed += step;
      int fired = wheel.advance();
      if (elapsed < delay) {
        assertThat(fired).as("fired early at +%d of %d", elapsed, delay).isZero();
      } else {
        assertThat(fired).as("late at +%d of %d", elapsed, delay).isEqualTo(1);
      }
    }
    assertThat(t.firedAt).containsExactly(origin + elapsed);
  }

  @ParameterizedTest(name = "delay {0} ns from origin {1}")
  @MethodSource("delaysAtEachOrigin")
  void firesWhenTheClockJumpsFarPastTheDeadline(long delay, long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    wheel.scheduleAfter(t, delay);

    advance(ticker, delay + 10 * DAY + 12_345);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.fired()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("origins")
  void deadlineInThePastOrNowFiresOnTheNextAdvanceWithoutTheClockMoving(long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    advance(ticker, 5 * SECOND);
    wheel.advance();
    long now = ticker.nanos();
    Recorder atNow = new Recorder(ticker);
    Recorder recent = new Recorder(ticker);
    Recorder longAgo = new Recorder(ticker);
    Recorder negativeDelay = new Recorder(ticker);

    wheel.schedule(atNow, now);
    wheel.schedule(recent, now - 1);
    wheel.schedule(longAgo, now - (1L << 62));
    wheel.scheduleAfter(negativeDelay, -HOUR);

    assertThat(wheel.size()).isEqualTo(4);
    assertThat(wheel.nextDeadline()).isEqualTo(now - (1L << 62));
    assertThat(wheel.advance()).isEqualTo(4);
    assertThat(List.of(atNow, recent, longAgo, negativeDelay)).allMatch(r -> r.fired() == 1);
    assertThat(wheel.size()).isZero();
  }

  @Test
  void deadlineBetweenTheLastAdvanceAndTheTickerFiresOnTheNextAdvance() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    advance(ticker, 3 * MS); // same level-0 bucket as the wheel's time

    wheel.schedule(t, 2 * MS);

    assertThat(wheel.advance()).isEqualTo(1);
  }

  @Test
  void deadlineWithinTheCurrentLevel0BucketIsNotHeldUntilTheBucketEnds() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    wheel.scheduleAfter(t, 3 * MS); // bucket 0 spans [0, 8.4 ms)

    advance(ticker, 2 * MS);
    assertThat(wheel.advance()).isZero();
    advance(ticker, MS);
    assertThat(wheel.advance()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("origins")
  void largeJumpFiresEverythingDueAndNothingElse(long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Random random = new Random(7);
    List<Recorder> timeouts = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Recorder t = new Recorder(ticker);
      wheel.scheduleAfter(t, 1 + (long) (random.nextDouble() * 20 * DAY));
      timeouts.add(t);
    }
    Recorder exactlyTenDays = new Recorder(ticker);
    Recorder justAfterTenDays = new Recorder(ticker);
    wheel.scheduleAfter(exactlyTenDays, 10 * DAY);
    wheel.scheduleAfter(justAfterTenDays, 10 * DAY + 1);
    timeouts.add(exactlyTenDays);
    timeouts.add(justAfterTenDays);

    ticker.advance(Duration.ofDays(10));
    int fired = wheel.advance();

    long now = ticker.nanos();
    for (Recorder t : timeouts) {
      boolean due = t.deadline() - now <= 0;
      assertThat(t.fired()).as("deadline %d, now %d", t.deadline(), now).isEqualTo(due ? 1 : 0);
      assertThat(t.isScheduled()).isEqualTo(!due);
    }
    assertThat(fired).isEqualTo(timeouts.stream().filter(t -> t.fired() == 1).count());
    assertThat(exactlyTenDays.fired()).isEqualTo(1);
    assertThat(justAfterTenDays.fired()).isZero();
    assertThat(wheel.size()).isEqualTo(timeouts.size() - fired);

    // the survivors were re-filed correctly: each fires exactly at its deadline
    advance(ticker, 1);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(justAfterTenDays.firedAt).containsExactly(origin + 10 * DAY + 1);
    ticker.advance(Duration.ofDays(10));
    wheel.advance();
    assertThat(timeouts).allMatch(t -> t.fired() == 1);
    assertThat(wheel.size()).isZero();
  }

  @Test
  void crossingTheSignedWrapAroundLongMaxValue() {
    long origin = Long.MAX_VALUE - 5 * MS;
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder before = new Recorder(ticker);
    Recorder at = new Recorder(ticker);
    Recorder after = new Recorder(ticker);
    wheel.schedule(before, Long.MAX_VALUE - 1);
    wheel.schedule(at, Long.MAX_VALUE);
    wheel.schedule(after, Long.MIN_VALUE + 2 * MS); // a deadline past the wrap

    assertThat(wheel.nextDeadline()).isEqualTo(Long.MAX_VALUE - 1);
    advance(ticker, 5 * MS - 1);
    assertThat(wheel.advance()).isEqualTo(1);
    advance(ticker, 1);
    assertThat(ticker.nanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(wheel.nextDeadline()).isEqualTo(Long.MIN_VALUE + 2 * MS);
    advance(ticker, 2 * MS);
    assertThat(wheel.advance()).isZero();
    advance(ticker, 1);
    assertThat(ticker.nanos()).isEqualTo(Long.MIN_VALUE + 2 * MS);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(after.firedAt).containsExactly(Long.MIN_VALUE + 2 * MS);
  }

  @Test
  void crossingTheUnsignedWrapFromMinusOneToZero() {
    FakeTicker ticker = tickerAt(-2 * HOUR);
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder[] timeouts = new Recorder[6];
    long[] deadlines = {-HOUR, -1, 0, 1, 3 * MS, HOUR};
    for (int i = 0; i < timeouts.length; i++) {
      timeouts[i] = new Recorder(ticker);
      wheel.schedule(timeouts[i], deadlines[i]);
    }

    for (int i = 0; i < timeouts.length; i++) {
      ticker.advance(Duration.ofNanos(deadlines[i] - ticker.nanos() - 1));
      assertThat(wheel.advance()).as("just before %d", deadlines[i]).isZero();
      advance(ticker, 1);
      assertThat(wheel.advance()).as("at %d", deadlines[i]).isEqualTo(1);
      assertThat(timeouts[i].firedAt).containsExactly(deadlines[i]);
    }
  }

  @Test
  void tickerGoingBackwardsNeverFiresEarly() {
    long[] now = {0};
    Ticker ticker =
        new Ticker() {
          @Override
          public long nanos() {
            return now[0];
          }

          @Override
          public long millis() {
            return 0;
          }
        };
    TimerWheel wheel = new TimerWheel(ticker);
    List<Long> firedAt = new ArrayList<>();
    Timeout t =
        new Timeout() {
          @Override
          protected void expire() {
            firedAt.add(now[0]);
          }
        };
    wheel.schedule(t, 10 * SECOND);
    now[0] = 9 * SECOND;
    wheel.advance();

    now[0] = -5 * DAY; // a broken clock
    assertThat(wheel.advance()).isZero();
    now[0] = 9 * SECOND + 1;
    assertThat(wheel.advance()).isZero();
    now[0] = 10 * SECOND;
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(firedAt).containsExactly(10 * SECOND);
  }

  // ---------------------------------------------------------------- callbacks

  @Test
  void callbackReschedulingItselfAsDueFiresOncePerAdvance() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    t.action = () -> wheel.schedule(t, ticker.nanos());
    wheel.schedule(t, 0);

    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(t.isScheduled()).isTrue();
    assertThat(wheel.nextDeadline()).isZero();
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(t.fired()).isEqualTo(3);

    wheel.cancel(t);
    assertThat(wheel.advance()).isZero();
  }

  @Test
  void callbackReschedulingItselfIntoThePastStillFiresOncePerAdvance() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder t = new Recorder(ticker);
    t.action = () -> wheel.scheduleAfter(t, -SECOND);
    Recorder other = new Recorder(ticker);
    wheel.scheduleAfter(t, SECOND);
    wheel.scheduleAfter(other, SECOND);

    advance(ticker, SECOND);
    assertThat(wheel.advance()).isEqualTo(2);
    assertThat(t.fired()).isEqualTo(1);
    assertThat(other.fired()).isEqualTo(1);
  }

  @Test
  void periodicCallbackFiresAtEachPeriod() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder heartbeat = new Recorder(ticker);
    heartbeat.action = () -> wheel.schedule(heartbeat, heartbeat.deadline() + 10 * SECOND);
    wheel.schedule(heartbeat, 10 * SECOND);

    for (int i = 0; i < 3600; i++) {
      advance(ticker, SECOND);
      wheel.advance();
    }

    assertThat(heartbeat.firedAt).hasSize(360);
    for (int i = 0; i < 360; i++) {
      assertThat(heartbeat.firedAt.get(i)).isEqualTo((i + 1) * 10 * SECOND);
    }
  }

  @Test
  void timeoutsScheduledAsDueByACallbackFireInTheSameAdvance() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder[] chain = new Recorder[5];
    for (int i = chain.length - 1; i >= 0; i--) {
      Recorder t = new Recorder(ticker);
      Recorder next = i + 1 < chain.length ? chain[i + 1] : null;
      if (next != null) {
        t.action = () -> wheel.schedule(next, ticker.nanos());
      }
      chain[i] = t;
    }
    Recorder notDue = new Recorder(ticker);
    chain[4].action = () -> wheel.scheduleAfter(notDue, 1);
    wheel.scheduleAfter(chain[0], 2 * SECOND);

    advance(ticker, 2 * SECOND);
    assertThat(wheel.advance()).isEqualTo(5);
    assertThat(chain).allMatch(t -> t.fired() == 1);
    assertThat(notDue.fired()).isZero();
    assertThat(wheel.size()).isEqualTo(1);

    advance(ticker, 1);
    assertThat(wheel.advance()).isEqualTo(1);
  }

  @Test
  void callbackCancellingAnotherDueTimeoutPreventsIt() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder a = new Recorder(ticker);
    Recorder b = new Recorder(ticker);
    a.action = () -> wheel.cancel(b);
    b.action = () -> wheel.cancel(a);
    wheel.scheduleAfter(a, SECOND);
    wheel.scheduleAfter(b, SECOND);

    advance(ticker, SECOND);

    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(a.fired() + b.fired()).isEqualTo(1);
    assertThat(wheel.size()).isZero();
  }

  @Test
  void callbackCancellingOthersAtAnyLevel() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    List<Recorder> victims = new ArrayList<>();
    for (long delay : new long[] {SECOND + 1, MINUTE, HOUR, 2 * DAY}) {
      Recorder v = new Recorder(ticker);
      wheel.scheduleAfter(v, delay);
      victims.add(v);
    }
    Recorder killer = new Recorder(ticker);
    List<Boolean> results = new ArrayList<>();
    killer.action =
        () -> {
          for (Recorder v : victims) {
            results.add(wheel.cancel(v));
          }
          results.add(wheel.cancel(killer)); // itself: already unlinked
        };
    wheel.scheduleAfter(killer, SECOND);

    advance(ticker, SECOND);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(results).containsExactly(true, true, true, true, false);
    assertThat(wheel.size()).isZero();

    ticker.advance(Duration.ofDays(3));
    assertThat(wheel.advance()).isZero();
    assertThat(victims).allMatch(v -> v.fired() == 0);
  }

  @Test
  void exceptionsInCallbacksAreContained() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    List<Recorder> timeouts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      timeouts.add(new Recorder(ticker));
      wheel.scheduleAfter(timeouts.get(i), SECOND + i);
    }
    Recorder thrower = timeouts.get(3);
    thrower.action =
        () -> {
          throw new IllegalStateException("boom (expected by the test)");
        };
    Recorder reschedulesThenThrows = timeouts.get(7);
    reschedulesThenThrows.action =
        () -> {
          wheel.scheduleAfter(reschedulesThenThrows, MINUTE);
          throw new AssertionError("boom (expected by the test)");
        };

    advance(ticker, 2 * SECOND);

    assertThat(wheel.advance()).isEqualTo(10);
    assertThat(timeouts).allMatch(t -> t.fired() == 1);
    assertThat(thrower.isScheduled()).isFalse();
    assertThat(reschedulesThenThrows.isScheduled()).isTrue();
    assertThat(wheel.size()).isEqualTo(1);

    // still fully working
    reschedulesThenThrows.action = () -> {};
    wheel.scheduleAfter(thrower, SECOND);
    assertThat(wheel.nextDeadline()).isEqualTo(ticker.nanos() + SECOND);
    advance(ticker, MINUTE);
    assertThat(wheel.advance()).isEqualTo(2);
    assertThat(wheel.size()).isZero();
  }

  @Test
  void advanceFromInsideACallbackIsRejected() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Recorder t = new Recorder(ticker);
    t.action =
        () -> {
          try {
            wheel.advance();
          } catch (Throwable e) {
            thrown.set(e);
          }
        };
    wheel.scheduleAfter(t, 0);

    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("re-entrantly");
    assertThat(wheel.advance()).isZero();
  }

  // ---------------------------------------------------------------- nextDeadline and size

  @ParameterizedTest
  @MethodSource("origins")
  void nextDeadlineIsTheEarliestAcrossLevels(long origin) {
    FakeTicker ticker = tickerAt(origin);
    TimerWheel wheel = new TimerWheel(ticker);
    long[] delays = {3 * DAY, 45 * HOUR, 2 * HOUR, 5 * MINUTE, 20 * SECOND, 300 * MS, 4 * MS};
    Recorder[] timeouts = new Recorder[delays.length];
    for (int i = 0; i < delays.length; i++) {
      timeouts[i] = new Recorder(ticker);
      wheel.scheduleAfter(timeouts[i], delays[i]);
      assertThat(wheel.nextDeadline()).isEqualTo(origin + delays[i]);
      assertThat(wheel.size()).isEqualTo(i + 1);
    }
    for (int i = delays.length - 1; i > 0; i--) {
      wheel.cancel(timeouts[i]);
      assertThat(wheel.nextDeadline()).isEqualTo(origin + delays[i - 1]);
      assertThat(wheel.size()).isEqualTo(i);
    }
  }

  @Test
  void nextDeadlineFindsAnEntryOnAHigherLevelThatIsDueBeforeOneBelow() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    Recorder high = new Recorder(ticker);
    Recorder low = new Recorder(ticker);
    wheel.schedule(high, (1L << 29) + 10); // level 1, bucket for tick 1
    advance(ticker, (1L << 29) - (1L << 22)); // still in level-1 tick 0: not cascaded yet
    wheel.advance();

    wheel.scheduleAfter(low, (1L << 29) - 1); // level 0, but later than `high`

    assertThat(wheel.nextDeadline()).isEqualTo((1L << 29) + 10);
    advance(ticker, (1L << 22) + 10);
    assertThat(wheel.advance()).isEqualTo(1);
    assertThat(high.fired()).isEqualTo(1);
    assertThat(wheel.nextDeadline()).isEqualTo(low.deadline());
  }

  @Test
  void nextDeadlineWhenTheCurrentBucketAlsoHoldsAnEntryOneRotationAhead() {
    FakeTicker ticker = new FakeTicker();
    TimerWheel wheel = new TimerWheel(ticker);
    advance(ticker, (1L << 23) - 1000); // near the end of level-0 tick 0
    wheel.advance();
    long now = ticker.nanos();
    Recorder rotationAhead = new Recorder(ticker);
    Recorder soon = new Recorder(ticker);
    Recorder inCurrentTick = new Recorder(ticker);
    // tick 64 maps to the same bucket as tick 0, the current one
    wheel.schedule(rotationAhead, now + (1L << 29) - 1);
    wheel.schedule(soon, now + 100 * MS);
    wheel.schedule(inCurrentTick, now + 500);

    assertThat(wheel.nextDeadline()).isEqualTo(now + 500);
    wheel.cancel(inCurrentTick);
    assertThat(wheel.nextDeadline()).isEqualTo(now + 100 * MS);
    wheel.cancel(soon);
    assertThat(wheel.nextDeadline()).isEqualTo(now + (1L << 29) - 1);

    // the current bucket is re-examined on every advance; it must not fire early
    for (int i = 0; i < 600; i++) {
      advance(ticker, MS / 2);
      assertThat(wheel.advance()).isZero();
      assertThat(wheel.nextDeadline()).isEqualTo(now + (1L << 29) - 1);
    }
    ticker.advance(Duration.ofNanos(rotationAhead.deadline() - ticker.nanos()));
    assertThat(wheel.advance()).isEqualTo(1);
  }

  @Test
  void sleepingUntilNextDeadlineAlwaysFiresSomething() {
    FakeTicker ticker = tickerAt(Long.MAX_VALUE - HOUR);
    TimerWheel wheel = new TimerWheel(ticker);
    Random random = new Random(3);
    List<Recorder> timeouts = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      Recorder t = new Recorder(ticker);
      wheel.scheduleAfter(t, 1 + (long) Math.exp(random.nextDouble() * Math.log(3.0 * DAY)));
      timeouts.add(t);
    }

    int fired = 0;
    while (wheel.size() > 0) {
      long sleep = wheel.nextDeadline() - ticker.nanos();
      assertThat(sleep).isPositive();
      advance(ticker, sleep);
      int n = wheel.advance();
      assertThat(n).isPositive();
      fired += n;
    }
    assertThat(fired).isEqualTo(2_000);
    assertThat(timeouts).allMatch(t -> t.firedAt.equals(List.of(t.deadline())));
  }

  // ---------------------------------------------------------------- no allocation

  @Test
  void steadyStateScheduleCancelAdvanceDoNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeThat(bean).isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);

    long[] now = {Long.MAX_VALUE - SECOND};
    Ticker ticker =
        new Ticker() {
          @Override
          public long nanos() {
            return now[0];
          }

          @Override
          public long millis() {
            return 0;
          }
        };
    TimerWheel wheel = new TimerWheel(ticker);
    int[] fired = {0};
    Timeout[] timeouts = new Timeout[10_000];
    for (int i = 0; i < timeouts.length; i++) {
      timeouts[i] =
          new Timeout() {
            @Override
            protected void expire() {
              fired[0]++;
            }
          };
    }
    Runnable workload =
        () -> {
          for (int round = 0; round < 20; round++) {
            for (int i = 0; i < timeouts.length; i++) {
              wheel.scheduleAfter(timeouts[i], (i * 7919L % 100_000) * MS);
            }
            for (int i = 0; i < timeouts.length; i += 3) {
              wheel.cancel(timeouts[i]);
            }
            for (int step = 0; step < 200; step++) {
              now[0] += 37 * MS;
              wheel.advance();
              wheel.nextDeadline();
            }
          }
        };
    workload.run(); // warm up: class loading, JIT
    workload.run();

    long threadId = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(threadId);
    workload.run();
    long allocated = threads.getThreadAllocatedBytes(threadId) - before;

    // ~280k operations; one small allocation each would be megabytes
    assertThat(allocated).isLessThan(64 * 1024);
    assertThat(fired[0]).isPositive();
  }
}
