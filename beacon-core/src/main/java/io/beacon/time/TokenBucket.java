package io.beacon.time;

/**
 * A token bucket refilled lazily from the caller's clock: no timer, two mutable fields. Used for the
 * per-connection message rate and the per-session signal rate. Not thread-safe; callers that share
 * one between threads synchronize around {@link #tryAcquire}.
 */
public final class TokenBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long refilledAt;

    /**
     * @param perSecond sustained rate, tokens per second (&gt; 0)
     * @param burst     capacity, and what the bucket starts with (&ge; 1)
     * @param nowNanos  the clock's reading now ({@link Ticker#nanos()})
     */
    public TokenBucket(double perSecond, double burst, long nowNanos) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("perSecond must be > 0, was " + perSecond);
        }
        if (!(burst >= 1)) {
            throw new IllegalArgumentException("burst must be >= 1, was " + burst);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    /** Takes one token; false when the bucket is empty (the caller is over its rate). */
    public boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            refilledAt = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
