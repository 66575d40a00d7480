package io.beacon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.beacon.config.BeaconConfig;
import io.beacon.server.BeaconServer;
import io.beacon.settings.Visibility;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rooms scenario end to end, over real sockets, against a server started by the test. */
class RoomsScenarioIT {
    private static final String SECRET = "rooms-test-secret-0123456789-0123456789";

    /**
     * The whole scenario, scaled down, against a server in this JVM whose rooms are large above 10
     * members: every phase finishes and measures something; no figure is checked against a clock.
     */
    @Test
    void runsEndToEndAgainstAServerInThisJvm() throws Exception {
        Path data = Files.createTempDirectory("rooms-bench-test");
        BeaconServer server = BeaconServer.builder().config(BeaconConfig.builder()
                .httpHost("127.0.0.1").httpPort(0).jwtSecret(SECRET).apiKey("rooms-test-api-key-0123456789")
                .defaultVisibility(Visibility.EVERYONE).dataDir(data)
                .roomLargeThreshold(10).maxMessagesPerSecond(1_000).build()).build().start();
        // as BenchMain makes it: the clients' channel type follows Epoll.isAvailable()
        EventLoopGroup clients = Epoll.isAvailable() ? new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Map<String, Object> p = new LinkedHashMap<>(new RoomsScenario().params(true, Map.of(
                    "members", "30", "join_rate", "0", "observers", "6", "movers", "3", "seconds", "1",
                    "small_members", "8", "small_movers", "2")));
            Map<String, Object> r = RoomsScenario.measure("127.0.0.1", server.port(), SECRET, -1, clients, p, Progress.silent());
            System.out.println("rooms, scaled down: " + r);

            assertThat(r).containsEntry("members", 30).containsEntry("missing_snapshots", 0).containsEntry("not_converged", 0)
                    .containsEntry("large", true).containsEntry("shown", 10).containsEntry("movers", 3)
                    .containsEntry("small_large", false).containsEntry("small_movers", 2)
                    .containsEntry("errors", 0L).containsEntry("disconnects", 0L);
            assertThat((long) r.get("storm_messages")).isGreaterThanOrEqualTo(30).isLessThan((long) r.get("naive_messages"));
            assertThat((long) r.get("samples")).isPositive();
            assertThat((long) r.get("small_samples")).isPositive();
            assertThat((long) r.get("moves_sent")).isPositive();
            // a small room sends every join to every member already in: 8 snapshots and 7+6+…+1 diffs at most
            assertThat((long) r.get("small_join_messages")).isBetween(8L, 8L + 28);
            assertThat(r.get("server_storm_room_messages")).isNotNull();
        } finally {
            clients.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
            server.close();
            io.beacon.bench.Processes.deleteTree(data);
        }
    }
}
