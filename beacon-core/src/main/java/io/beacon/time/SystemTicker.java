package io.beacon.time;

/** The JVM clocks; an enum so that {@link Ticker#system()} is a stateless singleton. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanos() {
    return System.nanoTime();
  }

  @Override
  public long millis() {
    return System.currentTimeMillis();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
