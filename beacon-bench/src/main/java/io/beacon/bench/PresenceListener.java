package io.beacon.bench;

/** Receives presence updates about watched users. Called on an event loop thread: be quick. */
@FunctionalInterface
public interface PresenceListener {

    /**
     * @param from         the user the update is about
     * @param online       false when the user is offline / unavailable
     * @param token        the token of {@link ClientSession#publishStatus}, or {@code null}
     * @param receivedNanos {@code System.nanoTime()} at arrival
     */
    void onPresence(int from, boolean online, String token, long receivedNanos);
}
