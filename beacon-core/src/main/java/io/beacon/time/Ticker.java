package io.beacon.time;

/**
 * A source of time. Injected everywhere so that tests can drive time by hand with a {@link
 * FakeTicker} instead of sleeping.
 *
 * <p>Two clocks are exposed because they answer different questions: {@link #nanos()} is
 * monotonic and is the only one to use for deadlines and durations (a wall clock can jump when NTP
 * corrects it), while {@link #millis()} is epoch wall-clock time for values that leave the process
 * ({@code last_seen}, {@code expires_at}, {@code server_time}).
 *
 * <pre>{@code
 * final class Session {
 *   private final Ticker ticker;
 *   Session(Ticker ticker) { this.ticker = ticker; }
 *   long lastSeenMillis() { return ticker.millis(); }        // shown to clients
 *   long deadline(long ttlNanos) { return ticker.nanos() + ttlNanos; } // compared by subtraction
 * }
 * }</pre>
 */
public interface Ticker {

  /**
   * Monotonic time in nanoseconds, with an arbitrary origin. The value may be negative and may wrap
   * around {@link Long#MAX_VALUE}, so compare two readings only by subtraction ({@code a - b < 0}).
   */
  long nanos();

  /** Wall-clock time in milliseconds since the Unix epoch. Not monotonic. */
  long millis();

  /**
   * The real clock: {@link System#nanoTime()} and {@link System#currentTimeMillis()}. This is the
   * only place in Beacon allowed to call those two methods, so that every other time read can be
   * faked.
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
