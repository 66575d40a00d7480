package io.beacon.server;

import io.beacon.auth.TokenIssuer;
import io.beacon.config.BeaconConfig;
import io.beacon.time.FakeTicker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real server on a free loopback port, with a fake clock: tests move time with {@link #advance},
 * which keeps the {@linkplain #healthy healthy} clients heart-beating like real ones and fires the
 * server's due deadlines, without sleeping.
 */
final class ServerFixture implements AutoCloseable {
    static final String SECRET = "test-secret-0123456789-0123456789-abcdef";
    static final String API_KEY = "test-api-key-0123456789";

    final FakeTicker ticker;
    final BeaconServer server;
    final TokenIssuer issuer;
    final Path dataDir;
    private final List<WsClient> healthy = new ArrayList<>();
    private int heartbeatIds;

    ServerFixture() throws Exception {
        this(b -> b);
    }

    ServerFixture(UnaryOperator<BeaconConfig.Builder> customize) throws Exception {
        this(new FakeTicker(), null, null, customize);
    }

    /**
     * One node of several (cluster tests): they share {@code ticker} and, since each in-process node
     * would otherwise keep its own SQLite, one {@code settings} store.
     */
    ServerFixture(FakeTicker ticker, io.beacon.settings.SettingsStore settings, String nodeId,
                  UnaryOperator<BeaconConfig.Builder> customize) throws Exception {
        this.ticker = ticker;
        this.issuer = new TokenIssuer(SECRET, ticker::millis);
        dataDir = Files.createTempDirectory("beacon-it");
        BeaconConfig config = customize.apply(BeaconConfig.builder()
                .httpHost("127.0.0.1")
                .httpPort(0)
                .jwtSecret(SECRET)
                .apiKey(API_KEY)
                // these tests are about presence, not privacy: everyone may see everyone (PrivacyIT covers the default)
                .defaultVisibility(io.beacon.settings.Visibility.EVERYONE)
                .dataDir(dataDir)).build();
        BeaconServer.Builder builder = BeaconServer.builder().config(config).ticker(ticker);
        if (settings != null) {
            builder.settingsStore(settings);
        }
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        server = builder.build().start();
    }

    int port() {
        return server.port();
    }

    String token(String user) {
        return issuer.issue(user, Duration.ofHours(1));
    }

    WsClient connect(String user, String device) {
        return WsClient.hello(port(), token(user), device);
    }

    /** A token whose {@code rooms} claim is {@code rooms}. */
    String token(String user, java.util.List<String> rooms) {
        return issuer.issue(user, Duration.ofHours(1), rooms, null);
    }

    /** Connects with a token that may join every room. */
    WsClient connectToRooms(String user, String device) {
        return WsClient.hello(port(), token(user, java.util.List.of("*")), device);
    }

    /** A client that answers the server like a real SDK: a heartbeat every step while time moves. */
    WsClient healthy(WsClient c) {
        healthy.add(c);
        return c;
    }

    /** Moves the fake clock in steps of at most 5 s, heart-beating the healthy clients and ticking the server. */
    void advance(Duration d) {
        long remaining = d.toMillis();
        while (remaining > 0) {
            long step = Math.min(5_000, remaining);
            ticker.advanceMillis(step);
            heartbeat();
            server.tick();
            remaining -= step;
        }
    }

    /** One heartbeat from every healthy client, each acked. */
    void heartbeat() {
        for (WsClient c : healthy) {
            if (c.closeCode.isDone()) {
                continue;
            }
            int id = ++heartbeatIds;
            c.send("{\"type\":\"heartbeat\",\"id\":" + id + "}");
            c.next("ack");
        }
    }

    /** Closes a client and waits until the server's engine saw the connection end. */
    void closeAndAwait(WsClient c) {
        int before = server.engine().stats().connections();
        c.close();
        c.awaitClose();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> server.engine().stats().connections() < before);
    }

    /**
     * Connects and waits until the session is in the presence store: its first record waits for the
     * user's settings, which the settings store reads on its own threads, so it lands a moment after
     * the welcome.
     */
    WsClient connectOnline(String user, String device) {
        WsClient c = connect(user, device);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                server.engine().read(user, java.util.List.of(user)).join().get(0).status() != io.beacon.presence.Status.OFFLINE);
        return c;
    }

    /** Waits until the engine processed everything queued so far. */
    void sync() {
        server.onEngineThread(() -> { });
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
