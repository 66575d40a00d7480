/**
 * Time for Beacon: one clock abstraction and one timer wheel per process.
 *
 * <p>Every deadline in the server (heartbeat TTL, offline grace, idle, expiry, coalescing) is a
 * {@link io.beacon.time.Timeout} on a single {@link io.beacon.time.TimerWheel} owned by the engine
 * thread. Keeping all deadlines in one structure, driven by one injectable {@link
 * io.beacon.time.Ticker}, makes the server's timing deterministic in tests: swap in a {@link
 * io.beacon.time.FakeTicker}, move it forward, call {@code advance()}, and exactly the timeouts
 * that are due fire, with no sleeps and no background threads. Rate limits are a
 * {@link io.beacon.time.TokenBucket} refilled lazily from the same clock: no timer either.
 *
 * <p>Rules for the rest of the code base:
 *
 * <ul>
 *   <li>{@link io.beacon.time.Ticker#system()} is the only place that may call {@code
 *       System.nanoTime()} or {@code System.currentTimeMillis()}; everything else asks an
 *       injected {@code Ticker}.
 *   <li>Monotonic nanos ({@code Ticker.nanos()}) are for deadlines; wall-clock millis ({@code
 *       Ticker.millis()}) are only for values shown to clients ({@code last_seen}, {@code
 *       expires_at}, {@code server_time}).
 *   <li>Nanos values have an arbitrary origin and may be negative or wrap around. Compare them
 *       only by subtraction ({@code a - b < 0}), never with {@code a < b}.
 *   <li>The wheel is not thread-safe by design: schedule, cancel and advance only on the engine
 *       thread.
 * </ul>
 *
 * <pre>{@code
 * Ticker ticker = Ticker.system();                 // FakeTicker in tests
 * TimerWheel wheel = new TimerWheel(ticker);
 * wheel.scheduleAfter(session.liveness(), TimeUnit.SECONDS.toNanos(30));
 * // engine loop:
 * wheel.advance();                                 // fires everything now due
 * }</pre>
 */
package io.beacon.time;
