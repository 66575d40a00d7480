package io.beacon.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, for unit tests and for integration tests of the server.
 *
 * <p>It is thread-safe because the usual set-up is a test thread moving time while the engine
 * thread reads it. Both clocks are derived from a single atomic count of elapsed nanoseconds, so a
 * reader never observes {@link #nanos()} and {@link #millis()} disagreeing about how much time has
 * passed, and sub-millisecond advances accumulate into {@link #millis()} correctly (two advances of
 * 0.5 ms move {@code millis()} by 1).
 *
 * <p>By default {@link #nanos()} starts at {@code 0} and {@link #millis()} at {@value
 * #DEFAULT_START_MILLIS} (2023-11-14T22:13:20Z).
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * TimerWheel wheel = new TimerWheel(ticker);
 * wheel.scheduleAfter(timeout, Duration.ofSeconds(30).toNanos());
 * ticker.advance(Duration.ofSeconds(30));
 * assertThat(wheel.advance()).isEqualTo(1);
 * }</pre>
 */
public final class FakeTicker implements Ticker {

  /** The wall-clock start used by {@link #FakeTicker()}: 2023-11-14T22:13:20Z. */
  public static final long DEFAULT_START_MILLIS = 1_700_000_000_000L;

  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final long startNanos;
  private final long startMillis;
  // Never negative: bounded at Long.MAX_VALUE (292 years) so millis() stays exact.
  private final AtomicLong elapsedNanos = new AtomicLong();

  /** Starts at {@code nanos() == 0} and {@code millis() ==} {@value #DEFAULT_START_MILLIS}. */
  public FakeTicker() {
    this(DEFAULT_START_MILLIS);
  }

  /** Starts at {@code nanos() == 0} and {@code millis() == startMillis}. */
  public FakeTicker(long startMillis) {
    this(startMillis, 0L);
  }

  /**
   * Starts at the given wall-clock millis and monotonic nanos. A {@code startNanos} close to {@link
   * Long#MAX_VALUE} (or negative) checks that code under test compares nanos by subtraction, as it
   * must because {@link System#nanoTime()} may have any origin.
   */
  public FakeTicker(long startMillis, long startNanos) {
    this.startMillis = startMillis;
    this.startNanos = startNanos;
  }

  /**
   * Moves both clocks forward by {@code duration}.
   *
   * @throws NullPointerException if {@code duration} is null
   * @throws IllegalArgumentException if {@code duration} is negative, or if the total elapsed time
   *     would exceed {@link Long#MAX_VALUE} nanoseconds
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "cannot advance a FakeTicker by a negative duration (" + duration + "); time only moves"
              + " forward");
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "duration " + duration + " is too large: it does not fit in a long of nanoseconds", e);
    }
    addNanos(nanos, duration);
  }

  /**
   * Moves both clocks forward by {@code ms} milliseconds.
   *
   * @throws IllegalArgumentException if {@code ms} is negative or the total elapsed time would
   *     exceed {@link Long#MAX_VALUE} nanoseconds
   */
  public void advanceMillis(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException(
          "cannot advance a FakeTicker by a negative number of milliseconds (" + ms
              + "); time only moves forward");
    }
    if (ms > Long.MAX_VALUE / NANOS_PER_MILLI) {
      throw new IllegalArgumentException(
          ms + " ms is too large: it does not fit in a long of nanoseconds");
    }
    addNanos(ms * NANOS_PER_MILLI, ms + " ms");
  }

  private void addNanos(long nanos, Object requested) {
    while (true) {
      long current = elapsedNanos.get();
      long next = current + nanos;
      if (next < 0) {
        throw new IllegalArgumentException(
            "advancing by " + requested + " would overflow the FakeTicker: elapsed time is "
                + "limited to Long.MAX_VALUE nanoseconds (about 292 years)");
      }
      if (elapsedNanos.compareAndSet(current, next)) {
        return;
      }
    }
  }

  @Override
  public long nanos() {
    // Wrapping addition on purpose: a start near Long.MAX_VALUE behaves like System.nanoTime().
    return startNanos + elapsedNanos.get();
  }

  @Override
  public long millis() {
    return startMillis + elapsedNanos.get() / NANOS_PER_MILLI;
  }

  @Override
  public String toString() {
    return "FakeTicker[nanos=" + nanos() + ", millis=" + millis() + "]";
  }
}
