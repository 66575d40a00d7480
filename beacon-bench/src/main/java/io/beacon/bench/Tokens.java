package io.beacon.bench;

/**
 * Status tokens carry their send time, {@code "t" + System.nanoTime()}: within one machine
 * {@code nanoTime} is one monotonic clock for every process, so a receiver in another generator
 * process can time the delivery.
 */
public final class Tokens {
    private Tokens() {
    }

    public static String now() {
        return "t" + System.nanoTime();
    }

    /** The send time in the token, or {@code -1} when it is not one of ours. */
    public static long sentNanos(String token) {
        if (token == null || token.length() < 2 || token.charAt(0) != 't') {
            return -1;
        }
        try {
            return Long.parseLong(token, 1, token.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
