package io.beacon.bench;

import java.util.concurrent.CompletableFuture;

/** Opens client sessions of one system. Thread-safe. */
public interface ClientDriver {

    /**
     * Connects user {@code user}, logs in and announces it online; completes when the server has
     * accepted the session (Beacon: welcome; XMPP: session bound and initial presence sent; MQTT:
     * CONNACK and the retained "online" published).
     */
    CompletableFuture<ClientSession> connect(int user, PresenceListener listener);
}
