package io.beacon.bench;

import io.netty.channel.EventLoopGroup;

/**
 * A presence server under test — Beacon or a peer (Prosody, ejabberd, Mosquitto) — started on
 * loopback on a free port by the harness, with a generated configuration, and stopped by
 * {@link #close()}. Users are named {@code u0 … u(n-1)} on every system.
 */
public interface PresenceSystem extends AutoCloseable {

    /** {@code beacon}, {@code prosody}, {@code ejabberd} or {@code mosquitto}. */
    String name();

    /**
     * Installs what is missing (Debian packages), writes a configuration with these timing settings
     * (or the closest the system has), starts the server on a free loopback port and waits until it
     * accepts clients.
     */
    void start(SystemSettings settings) throws Exception;

    /** The server's process id, for RSS and CPU readings from {@code /proc}. */
    long pid();

    /**
     * Makes users {@code 0..users-1} exist, each allowed to see the users in {@code contacts[i]}:
     * XMPP creates accounts and mutual roster subscriptions; Beacon and MQTT need nothing.
     */
    void provision(int users, int[][] contacts) throws Exception;

    /** A driver whose client sessions share this event loop group (no thread per connection). */
    ClientDriver driver(EventLoopGroup group);

    /** What the system was configured with, for the results file. */
    java.util.Map<String, Object> describe();

    /** Stops everything {@link #start} started, by PID. Idempotent. */
    @Override
    void close();
}
