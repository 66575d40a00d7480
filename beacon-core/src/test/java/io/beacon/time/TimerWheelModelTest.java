package io.beacon.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Drives a wheel with 100k timeouts through random schedules, reschedules, cancels, callbacks and
 * clock jumps, and checks every observable result against a sorted-set model: after each advance()
 * exactly the timeouts whose deadline has passed have fired, once, and none early.
 */
class TimerWheelModelTest {

  private static final long MAX_DELAY = TimeUnit.DAYS.toNanos(60);
  private static final long MAX_STEP = TimeUnit.DAYS.toNanos(2);
  private static final long[] SPECIAL_DELAYS = {
    0, 1, (1L << 23) - 1, 1L << 23, (1L << 29) - 1, 1L << 29, (1L << 29) + 1, (1L << 35) - 1,
    1L << 35, (1L << 41) - 1, 1L << 41, (1L << 47) - 1, 1L << 47, (1L << 47) + 1, 64L << 23
  };

  private final TreeSet<Entry> model =
      new TreeSet<>(Comparator.comparingLong((Entry e) -> e.rel).thenComparingInt(e -> e.id));
  private Random random;
  private FakeTicker ticker;
  private TimerWheel timers;
  private long origin;
  private Entry[] entries;
  private int round;
  private int firedThisRound;

  /** A timeout whose callback exercises the wheel and checks itself against the model. */
  private final class Entry extends Timeout {
    final int id;
    final int behaviour; // 0..9 plain, 10 periodic, 11 cancels another, 12 schedules another now
    long rel; // model deadline relative to origin; valid while inModel
    boolean inModel;
    int lastFiredRound = -1;

    Entry(int id, int behaviour) {
      this.id = id;
      this.behaviour = behaviour;
    }

    @Override
    protected void expire() {
      try {
        onExpire();
      } catch (Throwable e) {
        failure = e; // the wheel would swallow it; keep the first and fail the test later
      }
    }

    private void onExpire() {
      long nowRel = ticker.nanos() - origin;
      if (!inModel) {
        fail("entry %d fired but was not scheduled", id);
      }
      if (rel > nowRel) {
        fail("entry %d fired early: deadline %d, now %d", id, rel, nowRel);
      }
      if (lastFiredRound == round) {
        fail("entry %d fired twice in one advance", id);
      }
      if (isScheduled()) {
        fail("entry %d still scheduled inside expire()", id);
      }
      modelRemove(this);
      lastFiredRound = round;
      firedThisRound++;
      switch (behaviour) {
        case 10 -> scheduleAfter(this, randomDelay());
        case 11 -> {
          Entry victim = entries[random.nextInt(entries.length)];
          boolean expected = victim.inModel;
          if (timers.cancel(victim) != expected) {
            fail("cancel(%d) from a callback disagreed with the model", victim.id);
          }
          modelRemove(victim);
        }
        case 12 -> {
          Entry other = entries[random.nextInt(entries.length)];
          // due now or in the recent past: must fire in this same advance unless it already did
          long rel = nowRel - (long) (random.nextDouble() * TimeUnit.SECONDS.toNanos(1));
          timers.schedule(other, origin + rel);
          modelPut(other, rel);
        }
        default -> {}
      }
    }
  }

  private Throwable failure;

  @ParameterizedTest(name = "origin {0}, seed {1}")
  @CsvSource({
    "0, 1",
    "9223372036854775807, 2", // Long.MAX_VALUE: the clock wraps to negative at once
    "-86400000000000, 3", // one day before zero: crosses the unsigned wrap
    "-9223372036854775808, 4",
    "5764607523034234879, 5"
  })
  void wheelMatchesModel(long originNanos, long seed) {
    origin = originNanos;
    random = new Random(seed);
    ticker = new FakeTicker(FakeTicker.DEFAULT_START_MILLIS, origin);
    timers = new TimerWheel(ticker);
    entries = new Entry[100_000];
    for (int i = 0; i < entries.length; i++) {
      int behaviour = random.nextInt(100);
      entries[i] = new Entry(i, behaviour < 85 ? 0 : behaviour < 93 ? 10 : behaviour < 97 ? 11 : 12);
      scheduleAfter(entries[i], randomDelay());
    }
    checkState(false);

    int totalFired = 0;
    for (round = 0; round < 2_500; round++) {
      if (random.nextInt(5) == 0) {
        // let the ticker run ahead of the wheel before scheduling, as between engine loop turns
        ticker.advance(Duration.ofNanos(randomStep()));
      }
      int ops = random.nextInt(100);
      for (int i = 0; i < ops; i++) {
        randomOperation();
      }
      ticker.advance(Duration.ofNanos(randomStep()));
      firedThisRound = 0;
      int fired = timers.advance();
      if (failure != null) {
        throw new AssertionError("in round " + round, failure);
      }
      assertThat(fired).as("round %d", round).isEqualTo(firedThisRound);
      totalFired += fired;
      checkState(true);
      if (round % 250 == 0) {
        checkEveryEntry();
      }
    }
    checkEveryEntry();
    assertThat(totalFired).isGreaterThan(100_000);
  }

  private void randomOperation() {
    Entry e = entries[random.nextInt(entries.length)];
    int op = random.nextInt(10);
    if (op < 3) {
      boolean expected = e.inModel;
      assertThat(timers.cancel(e)).isEqualTo(expected);
      modelRemove(e);
    } else if (op < 4) {
      // an absolute deadline exactly on a bucket boundary of a random level
      int shift = 23 + 6 * random.nextInt(5);
      long now = ticker.nanos();
      long deadline = ((now >>> shift) + random.nextInt(3)) << shift;
      timers.schedule(e, deadline);
      modelPut(e, deadline - origin);
    } else {
      scheduleAfter(e, randomDelay());
    }
  }

  private void scheduleAfter(Entry e, long delay) {
    timers.scheduleAfter(e, delay);
    modelPut(e, ticker.nanos() - origin + delay);
  }

  private long randomDelay() {
    int kind = random.nextInt(20);
    if (kind == 0) {
      return SPECIAL_DELAYS[random.nextInt(SPECIAL_DELAYS.length)];
    }
    if (kind == 1) {
      return -(long) (random.nextDouble() * TimeUnit.HOURS.toNanos(1));
    }
    // log-uniform, so that every level gets plenty of entries
    return (long) Math.exp(random.nextDouble() * Math.log(MAX_DELAY));
  }

  private long randomStep() {
    int kind = random.nextInt(10);
    if (kind == 0) {
      return 0;
    }
    if (kind == 1) {
      return SPECIAL_DELAYS[random.nextInt(SPECIAL_DELAYS.length)];
    }
    return (long) Math.exp(random.nextDouble() * Math.log(MAX_STEP));
  }

  private void modelPut(Entry e, long rel) {
    modelRemove(e);
    e.rel = rel;
    e.inModel = true;
    model.add(e);
  }

  private void modelRemove(Entry e) {
    if (e.inModel) {
      model.remove(e);
      e.inModel = false;
    }
  }

  /** After an advance: nothing due is left except what fired already in it and was re-armed. */
  private void checkState(boolean afterAdvance) {
    long nowRel = ticker.nanos() - origin;
    for (Entry e : model) {
      if (e.rel > nowRel || !afterAdvance) {
        break;
      }
      assertThat(e.lastFiredRound)
          .as("entry %d due at %d was not fired by advance at %d (round %d)", e.id, e.rel, nowRel, round)
          .isEqualTo(round);
    }
    assertThat(timers.size()).isEqualTo(model.size());
    long expectedNext = model.isEmpty() ? Long.MAX_VALUE : origin + model.first().rel;
    assertThat(timers.nextDeadline()).as("nextDeadline in round %d", round).isEqualTo(expectedNext);
  }

  /** Brute force: every timeout's own view agrees with the model. */
  private void checkEveryEntry() {
    for (Entry e : entries) {
      assertThat(e.isScheduled()).as("entry %d scheduled", e.id).isEqualTo(e.inModel);
      if (e.inModel) {
        assertThat(e.deadline()).isEqualTo(origin + e.rel);
      }
    }
  }
}
