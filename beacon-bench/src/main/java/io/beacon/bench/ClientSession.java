package io.beacon.bench;

import java.util.concurrent.CompletableFuture;

/** One logged-in client of a system under test. */
public interface ClientSession {

    int user();

    /**
     * Starts receiving the presence of these users: Beacon subscribes; MQTT subscribes to their
     * topics; XMPP already receives its roster's presence and completes at once.
     */
    CompletableFuture<Void> watch(int[] users);

    /** Publishes a status change carrying {@code token}, which receivers hand to their listener. */
    void publishStatus(String token);

    /** The protocol's keepalive, if the system needs one from the application. */
    void heartbeat();

    /** Logs out cleanly. */
    CompletableFuture<Void> close();

    /** Drops the TCP connection without any protocol goodbye, as a crashed process does (FIN). */
    void kill();

    /** Stops reading and writing but keeps the socket open, as a lost network does: only timeouts find it. */
    void freeze();

    /** After {@link #kill()}: connects again as the same user (Beacon resumes with its resume token). */
    CompletableFuture<ClientSession> reconnect();
}
