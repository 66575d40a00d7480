package io.beacon.e2e;

import io.beacon.config.BeaconConfig;
import io.beacon.server.BeaconServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A real server in dev mode (no jwt_secret: the demo page mints tokens) on a fixed loopback port, on
 * the real clock, with a short offline grace so a closed tab shows offline within the test. It can be
 * stopped and started again on the same port and data directory (the same dev secrets), as a restart.
 */
final class DevServer implements AutoCloseable {
    static final long GRACE_MS = 1_000;

    final Path dataDir;
    final int port;
    private final UnaryOperator<BeaconConfig.Builder> customize;
    private BeaconServer server;

    DevServer(UnaryOperator<BeaconConfig.Builder> customize) throws Exception {
        this.customize = customize;
        this.dataDir = Files.createTempDirectory("beacon-e2e");
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        start();
    }

    void start() throws Exception {
        BeaconConfig config = customize.apply(BeaconConfig.builder()
                .httpHost("127.0.0.1")
                .httpPort(port)
                .dataDir(dataDir)
                .offlineGraceMs(GRACE_MS)).build();
        server = BeaconServer.builder().config(config).build().start();
    }

    void stop() {
        server.close();
    }

    BeaconServer server() {
        return server;
    }

    String http() {
        return "http://127.0.0.1:" + port;
    }

    String ws() {
        return "ws://127.0.0.1:" + port + "/v1/connect";
    }

    String apiKey() throws IOException {
        return io.beacon.auth.DevSecrets.loadOrCreateApiKey(dataDir);
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
