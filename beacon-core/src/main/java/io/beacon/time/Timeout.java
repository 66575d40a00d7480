package io.beacon.time;

/**
 * Something that should happen at a deadline: an entry in a {@link TimerWheel}.
 *
 * <p>The timeout object is itself the wheel's list node (the links are package-private fields), so
 * scheduling, moving and cancelling allocate nothing. The usual pattern is one long-lived
 * subclass instance per deadline kind and per session (or other owner), rescheduled over and over:
 *
 * <pre>{@code
 * final class LivenessTimer extends Timeout {
 *   private final Session session;
 *   LivenessTimer(Session session) { this.session = session; }
 *   @Override protected void expire() { session.onHeartbeatMissed(); }
 * }
 *
 * LivenessTimer liveness = new LivenessTimer(session);
 * wheel.scheduleAfter(liveness, ttlNanos);   // on connect
 * wheel.scheduleAfter(liveness, ttlNanos);   // on each heartbeat: moves it, no allocation
 * wheel.cancel(liveness);                    // on disconnect
 * }</pre>
 *
 * <p>A timeout belongs to at most one wheel at a time. Like the wheel, it must only be touched
 * from the wheel's thread.
 */
public abstract class Timeout {

  // Links of the circular, sentinel-headed bucket list this timeout is in; null when unscheduled.
  Timeout prev;
  Timeout next;
  // The wheel holding this timeout, or null; lets the wheel reject a foreign timeout instead of
  // silently corrupting another wheel's lists and size.
  TimerWheel owner;
  long deadline;
  // Identifies the last advance() call that fired this timeout, so a callback that reschedules
  // itself as already due cannot make that advance() loop forever.
  long firedInAdvance;

  protected Timeout() {}

  /**
   * The {@link Ticker#nanos()} deadline this timeout is scheduled for. Only meaningful while
   * {@link #isScheduled()}; afterwards it keeps the last deadline it was scheduled for.
   */
  public final long deadline() {
    return deadline;
  }

  /** Whether this timeout is currently scheduled on a wheel (and so will fire unless cancelled). */
  public final boolean isScheduled() {
    return owner != null;
  }

  /**
   * Called by {@link TimerWheel#advance()}, on the wheel's thread, once the wheel's time has reached
   * {@link #deadline()}. The timeout has already been removed from the wheel, so it may schedule
   * itself again (for example a periodic task) or schedule and cancel other timeouts.
   *
   * <p>An exception thrown here is logged by the wheel and otherwise ignored; it does not stop
   * other timeouts from firing.
   */
  protected abstract void expire();
}
