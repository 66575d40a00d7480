package io.beacon.time;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All of a process's deadlines, in one hierarchical timer wheel driven by a {@link Ticker}.
 *
 * <p>Modelled on Caffeine's {@code TimerWheel}. Time is cut into buckets whose spans are powers of
 * two, so a bucket index is a shift and a mask of the deadline rather than a division:
 *
 * <table>
 *   <caption>Levels</caption>
 *   <tr><th>level</th><th>bucket span</th><th>buckets</th><th>holds deadlines up to</th></tr>
 *   <tr><td>0</td><td>2<sup>23</sup> ns (~8.4 ms)</td><td>64</td><td>~0.54 s ahead</td></tr>
 *   <tr><td>1</td><td>2<sup>29</sup> ns (~0.54 s)</td><td>64</td><td>~34 s ahead</td></tr>
 *   <tr><td>2</td><td>2<sup>35</sup> ns (~34 s)</td><td>64</td><td>~36.6 min ahead</td></tr>
 *   <tr><td>3</td><td>2<sup>41</sup> ns (~36.6 min)</td><td>64</td><td>~39 h ahead</td></tr>
 *   <tr><td>4</td><td>2<sup>47</sup> ns (~39 h)</td><td>1</td><td>anything further</td></tr>
 * </table>
 *
 * <p>{@link #schedule} and {@link #cancel} are O(1) and allocation-free: the {@link Timeout} is
 * the node of an intrusive doubly-linked bucket list. {@link #advance()} visits only the buckets
 * whose span the clock has crossed since the previous call (at most 64 per level, so a jump of ten
 * days costs the same bucket visits as a jump of one hour), and moves entries that are not yet due
 * down to finer levels. A bucket visit touches every entry in it, so the cost of {@code advance()}
 * is proportional to buckets crossed plus entries in them, never to elapsed ticks.
 *
 * <p><b>Precision.</b> The wheel's resolution is ~8.4 ms, one level-0 bucket: entries are only
 * sorted to that granularity. A plain hierarchical wheel such as Caffeine's therefore fires an
 * entry up to one level-0 span late (when the clock leaves its bucket). This wheel also walks the
 * level-0 bucket containing {@code now} on every {@code advance()}, so its guarantees are tighter:
 *
 * <ul>
 *   <li>never early: a timeout fires only in an {@code advance()} whose {@code ticker.nanos()} is
 *       {@code >=} its deadline;
 *   <li>never late beyond the caller's own cadence: it fires in the first {@code advance()} at
 *       which {@code now >= deadline}. In particular, sleeping until {@link #nextDeadline()} and
 *       then calling {@code advance()} always fires that timeout, so an engine loop built that way
 *       cannot spin waiting for a bucket boundary.
 * </ul>
 *
 * <p>The price of the second guarantee is that each {@code advance()} that sees time move also
 * re-checks the entries due within the current ~8.4 ms bucket.
 *
 * <p><b>Time arithmetic.</b> Nanos come from {@link System#nanoTime()} in production, whose origin
 * is arbitrary: values may be negative and may wrap past {@link Long#MAX_VALUE}. The wheel only
 * compares them by subtraction and takes bucket indexes from the unsigned bit pattern, so it works
 * anywhere on the number line provided no deadline is more than 2<sup>63</sup> ns (~292 years) away
 * from the wheel's current time.
 *
 * <p><b>Threading.</b> A wheel is confined to one thread (the engine thread): it has no locks and
 * no memory fences. Every method, and every {@link Timeout#expire()} callback, runs on that thread.
 *
 * <pre>{@code
 * TimerWheel wheel = new TimerWheel(ticker);
 * wheel.scheduleAfter(liveness, TimeUnit.SECONDS.toNanos(30));
 *
 * // engine loop
 * while (running) {
 *   runQueuedCommands();              // may schedule, move or cancel timeouts
 *   wheel.advance();                  // fires everything due, in the engine thread
 *   long sleep = wheel.size() == 0 ? MAX_IDLE_NANOS
 *       : Math.min(MAX_IDLE_NANOS, Math.max(0, wheel.nextDeadline() - ticker.nanos()));
 *   waitForCommands(sleep);
 * }
 * }</pre>
 */
public final class TimerWheel {

  private static final System.Logger LOG = System.getLogger(TimerWheel.class.getName());

  // Level i holds deadlines less than 2^SHIFT[i + 1] ns ahead, in buckets of 2^SHIFT[i] ns; each
  // level spans exactly BUCKETS[i] buckets of the level below so that cascading lands an entry in
  // the right lower bucket. The last level is a single overflow bucket.
  private static final int[] SHIFT = {23, 29, 35, 41, 47};
  private static final int[] BUCKETS = {64, 64, 64, 64, 1};
  private static final int OVERFLOW = SHIFT.length - 1;

  // Global rather than per wheel so that a timeout moved from one wheel to another can never carry
  // a stale match into the new wheel's advance() and be wrongly held back.
  private static final AtomicLong ADVANCE_IDS = new AtomicLong();

  private final Ticker ticker;
  private final Timeout[][] wheel;
  // Entries whose deadline is <= nanos: they fire on the next advance(), whatever the clock does.
  private final Timeout due = new Sentinel();
  // During advance(): entries that already fired in it and rescheduled themselves as due.
  private final Timeout deferred = new Sentinel();

  // The wheel's notion of now: ticker.nanos() as of construction or the last advance(). Every
  // entry in a bucket has deadline - nanos > 0.
  private long nanos;
  private int size;
  private boolean advancing;

  /**
   * Creates an empty wheel whose current time is {@code ticker.nanos()}.
   *
   * @throws NullPointerException if {@code ticker} is null
   */
  public TimerWheel(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
    this.nanos = ticker.nanos();
    this.wheel = new Timeout[SHIFT.length][];
    for (int level = 0; level < SHIFT.length; level++) {
      Timeout[] buckets = new Timeout[BUCKETS[level]];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new Sentinel();
      }
      wheel[level] = buckets;
    }
  }

  /**
   * Schedules {@code timeout} to fire at {@code deadlineNanos} (a {@link Ticker#nanos()} value). If
   * it is already scheduled on this wheel it is moved, so calling this on every heartbeat is the
   * intended way to push a deadline back. A deadline that is not after the wheel's current time
   * fires on the next {@link #advance()}, even if the clock has not moved.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalStateException if {@code timeout} is scheduled on a different wheel
   */
  public void schedule(Timeout timeout, long deadlineNanos) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.owner == this) {
      unlink(timeout);
    } else if (timeout.owner != null) {
      throw new IllegalStateException(
          "timeout " + timeout + " is scheduled on another TimerWheel; cancel it there first");
    } else {
      timeout.owner = this;
      size++;
    }
    timeout.deadline = deadlineNanos;
    place(timeout);
  }

  /**
   * Schedules {@code timeout} to fire {@code delayNanos} after {@code ticker().nanos()}; the same
   * as {@code schedule(timeout, ticker().nanos() + delayNanos)}. A zero or negative delay makes it
   * due on the next {@link #advance()}.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalStateException if {@code timeout} is scheduled on a different wheel
   */
  public void scheduleAfter(Timeout timeout, long delayNanos) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    schedule(timeout, ticker.nanos() + delayNanos);
  }

  /**
   * Unschedules {@code timeout}.
   *
   * @return true if it was scheduled on this wheel, false if it was not scheduled (including when
   *     it has already fired, or is the timeout whose {@code expire()} is running)
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalStateException if {@code timeout} is scheduled on a different wheel
   */
  public boolean cancel(Timeout timeout) {
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.owner == null) {
      return false;
    }
    if (timeout.owner != this) {
      throw new IllegalStateException(
          "timeout " + timeout + " is scheduled on another TimerWheel, not this one");
    }
    unlink(timeout);
    timeout.owner = null;
    size--;
    return true;
  }

  /**
   * Moves the wheel to {@code ticker().nanos()} and fires, on the calling thread, every scheduled
   * timeout whose deadline is {@code <=} that time, in no particular order.
   *
   * <p>Timeouts scheduled by an {@code expire()} callback with a deadline {@code <=} now also fire
   * in this call, except that a timeout fires at most once per call: one that reschedules itself
   * as already due fires again on the next call, so a callback cannot make this loop forever.
   *
   * <p>Exceptions thrown by {@code expire()} are logged at {@code WARNING} and swallowed; the other
   * timeouts still fire and the wheel stays consistent. Only a {@link VirtualMachineError} (such as
   * {@link OutOfMemoryError}) propagates, leaving the remaining due timeouts to the next call.
   *
   * <p>If the ticker reads earlier than the wheel's current time (a misbehaving ticker), the wheel
   * keeps its time and only already-due timeouts fire.
   *
   * @return how many timeouts fired (including those whose {@code expire()} threw)
   * @throws IllegalStateException if called from inside an {@code expire()} callback
   */
  public int advance() {
    if (advancing) {
      throw new IllegalStateException(
          "advance() called re-entrantly from Timeout.expire(); schedule the work instead");
    }
    advancing = true;
    try {
      long now = ticker.nanos();
      long previous = nanos;
      if (now - previous > 0) {
        nanos = now;
        sweep(previous, now);
      }
      return fireDue();
    } finally {
      advancing = false;
    }
  }

  /** The number of scheduled timeouts, including due ones that have not fired yet. */
  public int size() {
    return size;
  }

  /**
   * The earliest deadline among scheduled timeouts, or {@link Long#MAX_VALUE} if there are none.
   * The result may already be in the past (a due timeout waiting for {@link #advance()}). Being a
   * nanos value, it must be compared by subtraction ({@code nextDeadline() - ticker.nanos()});
   * check {@link #size()} rather than comparing with {@code Long.MAX_VALUE} when the distinction
   * matters, since {@code Long.MAX_VALUE} is also a legal deadline.
   *
   * <p>This may scan up to two buckets per level plus the due list and the overflow bucket; it is
   * meant for deciding how long to sleep, not for hot paths.
   */
  public long nextDeadline() {
    if (size == 0) {
      return Long.MAX_VALUE;
    }
    // Distances from nanos; due entries have distance <= 0 and every bucket entry > 0, so any due
    // entry beats the whole wheel.
    long best = Long.MAX_VALUE;
    boolean found = false;
    for (Timeout t = due.next; t != due; t = t.next) {
      long distance = t.deadline - nanos;
      if (!found || distance < best) {
        best = distance;
        found = true;
      }
    }
    for (Timeout t = deferred.next; t != deferred; t = t.next) {
      long distance = t.deadline - nanos;
      if (!found || distance < best) {
        best = distance;
        found = true;
      }
    }
    if (found) {
      return nanos + best;
    }
    for (int level = 0; level < SHIFT.length; level++) {
      int shift = SHIFT[level];
      if (level > 0 && found) {
        // Entries at this level and above all lie beyond this level's next tick boundary, so a
        // candidate before it cannot be beaten.
        long untilBoundary = (1L << shift) - (nanos & ((1L << shift) - 1));
        if (best <= untilBoundary) {
          break;
        }
      }
      Timeout[] buckets = wheel[level];
      int mask = buckets.length - 1;
      long tick = nanos >>> shift;
      for (int i = 0; i < buckets.length; i++) {
        Timeout sentinel = buckets[(int) (tick + i) & mask];
        Timeout t = sentinel.next;
        if (t == sentinel) {
          continue;
        }
        for (; t != sentinel; t = t.next) {
          long distance = t.deadline - nanos;
          if (!found || distance < best) {
            best = distance;
            found = true;
          }
        }
        // The bucket for the current tick may also hold entries a full rotation (64 ticks) ahead,
        // so it cannot end the search; any later non-empty bucket holds only its own tick, which
        // precedes every bucket after it.
        if (i > 0) {
          break;
        }
      }
    }
    return nanos + best;
  }

  /** The ticker this wheel reads on {@link #advance()} and {@link #scheduleAfter}. */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "TimerWheel[size=" + size + ", nanos=" + nanos + "]";
  }

  /**
   * Visits, per level, the buckets the clock crossed going from {@code previous} to {@code now}
   * (which is already in {@link #nanos}), re-placing each entry: due ones go to the due list, the
   * others to the bucket matching their remaining time, which is always at this level or below.
   * No callbacks run here, so the lists cannot change under the iteration.
   */
  private void sweep(long previous, long now) {
    for (int level = 0; level < SHIFT.length; level++) {
      int shift = SHIFT[level];
      // Masked to the width of a tick count so that crossing the unsigned wrap (-1 -> 0) still
      // yields the number of ticks crossed; bucket indexes stay continuous across it because
      // every bucket count divides 2^(64 - shift).
      long ticks = ((now >>> shift) - (previous >>> shift)) & (-1L >>> shift);
      Timeout[] buckets = wheel[level];
      int mask = buckets.length - 1;
      int start = (int) (previous >>> shift) & mask;
      if (ticks == 0) {
        if (level == 0) {
          // Still inside the same ~8.4 ms tick: this bucket may hold deadlines in (previous, now].
          // Checking it on every advance is what makes firing exact rather than up to a bucket
          // late. Entries not yet due would be re-placed into this same bucket, so leave them.
          collectDue(buckets[start]);
        }
        // Boundaries nest (every coarser boundary is a finer one too), so nothing above moved.
        return;
      }
      // The starting bucket is included: it may hold deadlines after previous in its tick.
      int steps = (int) Math.min(ticks + 1, buckets.length);
      for (int i = 0; i < steps; i++) {
        sweepBucket(buckets[(start + i) & mask]);
      }
    }
  }

  private void collectDue(Timeout sentinel) {
    Timeout node = sentinel.next;
    while (node != sentinel) {
      Timeout next = node.next;
      if (node.deadline - nanos <= 0) {
        unlink(node);
        linkLast(due, node);
      }
      node = next;
    }
  }

  private void sweepBucket(Timeout sentinel) {
    Timeout node = sentinel.next;
    if (node == sentinel) {
      return;
    }
    // Detach the whole chain first: re-placed entries may land back in this very bucket, and
    // the old chain still ends at the sentinel, which terminates the walk.
    sentinel.next = sentinel;
    sentinel.prev = sentinel;
    while (node != sentinel) {
      Timeout next = node.next;
      place(node);
      node = next;
    }
  }

  /**
   * Fires the due list. Each timeout is unlinked before its callback runs, and the loop re-reads
   * the head every time, so callbacks may freely schedule or cancel anything, including entries
   * still waiting in the due list.
   */
  private int fireDue() {
    if (due.next == due) {
      return 0;
    }
    long advanceId = ADVANCE_IDS.incrementAndGet();
    int fired = 0;
    try {
      Timeout timeout;
      while ((timeout = due.next) != due) {
        unlink(timeout);
        if (timeout.firedInAdvance == advanceId) {
          linkLast(deferred, timeout);
          continue;
        }
        timeout.owner = null;
        size--;
        timeout.firedInAdvance = advanceId;
        fired++;
        try {
          timeout.expire();
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable e) {
          Timeout failed = timeout;
          LOG.log(
              Level.WARNING,
              () -> "Timeout.expire() of " + failed + " (deadline " + failed.deadline
                  + ") threw; ignored, other timeouts still fire",
              e);
        }
      }
    } finally {
      spliceDeferredIntoDue();
    }
    return fired;
  }

  private void spliceDeferredIntoDue() {
    Timeout first = deferred.next;
    if (first == deferred) {
      return;
    }
    Timeout last = deferred.prev;
    Timeout tail = due.prev;
    tail.next = first;
    first.prev = tail;
    last.next = due;
    due.prev = last;
    deferred.next = deferred;
    deferred.prev = deferred;
  }

  /** Links {@code timeout} into the list its deadline belongs to, relative to {@link #nanos}. */
  private void place(Timeout timeout) {
    long remaining = timeout.deadline - nanos;
    linkLast(remaining <= 0 ? due : bucketFor(timeout.deadline, remaining), timeout);
  }

  private Timeout bucketFor(long deadline, long remaining) {
    for (int level = 0; level < OVERFLOW; level++) {
      if (remaining < 1L << SHIFT[level + 1]) {
        Timeout[] buckets = wheel[level];
        return buckets[(int) (deadline >>> SHIFT[level]) & (buckets.length - 1)];
      }
    }
    return wheel[OVERFLOW][0];
  }

  private static void linkLast(Timeout sentinel, Timeout timeout) {
    Timeout last = sentinel.prev;
    timeout.prev = last;
    timeout.next = sentinel;
    last.next = timeout;
    sentinel.prev = timeout;
  }

  private static void unlink(Timeout timeout) {
    timeout.prev.next = timeout.next;
    timeout.next.prev = timeout.prev;
    timeout.prev = null;
    timeout.next = null;
  }

  /** Head of a circular bucket list; never scheduled, never fired. */
  private static final class Sentinel extends Timeout {
    Sentinel() {
      prev = this;
      next = this;
    }

    @Override
    protected void expire() {
      throw new AssertionError("a bucket list head never expires");
    }

    @Override
    public String toString() {
      return "TimerWheel.Sentinel";
    }
  }
}
