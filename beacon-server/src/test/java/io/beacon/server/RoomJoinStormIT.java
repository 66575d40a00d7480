package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A join storm over real sockets: 1,000 clients join one room, 500 a second on the server's (fake)
 * clock. The messages the clients receive must grow linearly with the room, not with its square, and
 * the last joiner must learn the whole count.
 */
class RoomJoinStormIT {
    private static final int MEMBERS = 1_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private ServerFixture f;
    private final List<Counting> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        f = new ServerFixture();
    }

    @AfterEach
    void stop() throws Exception {
        for (Counting c : clients) {
            c.ws.abort();
        }
        f.close();
    }

    /** Counts what arrives without keeping it, except the last room snapshot. */
    private static final class Counting implements WebSocket.Listener {
        final AtomicLong messages = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        final CompletableFuture<String> snapshot = new CompletableFuture<>();
        /** The room's member count in the last snapshot or diff: what this client shows now. */
        volatile int count = -1;
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                messages.incrementAndGet();
                bytes.addAndGet(text.getBytes(StandardCharsets.UTF_8).length);
                if (text.startsWith("{\"type\":\"welcome\"")) {
                    welcomed.complete(null);
                } else if (text.startsWith("{\"type\":\"room_snapshot\"")) {
                    snapshot.complete(text);
                    count = countOf(text);
                } else if (text.startsWith("{\"type\":\"room_diff\"")) {
                    count = countOf(text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private static int countOf(String roomMessage) {
        int at = roomMessage.lastIndexOf("\"count\":") + 8;
        int end = at;
        while (Character.isDigit(roomMessage.charAt(end))) {
            end++;
        }
        return Integer.parseInt(roomMessage.substring(at, end));
    }

    private long total() {
        return clients.stream().mapToLong(c -> c.messages.get()).sum();
    }

    @Test
    void aThousandJoinersCostLinearlyManyMessages() throws Exception {
        for (int i = 0; i < MEMBERS; i++) {
            Counting c = new Counting();
            c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + f.port() + "/v1/connect"), c).join();
            c.ws.sendText("{\"type\":\"hello\",\"token\":\"" + f.token("u" + i, List.of("stadium")) + "\",\"device\":\"web\"}", true);
            clients.add(c);
        }
        for (Counting c : clients) {
            c.welcomed.get(30, TimeUnit.SECONDS);
        }
        long before = total();
        for (int i = 0; i < MEMBERS; i++) {
            clients.get(i).ws.sendText("{\"type\":\"join\",\"id\":" + i + ",\"room\":\"stadium\"}", true);
            if (i % 50 == 49) {
                for (int j = i - 49; j <= i; j++) {
                    clients.get(j).snapshot.get(30, TimeUnit.SECONDS);
                }
                f.ticker.advanceMillis(100); // 500 joins per second of the server's clock
                f.server.tick();
            }
        }
        f.ticker.advanceMillis(2_000);
        f.server.tick();
        // quiet: nothing more arrives
        long[] last = {-1};
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = total();
            boolean quiet = now == last[0];
            last[0] = now;
            return quiet;
        });

        long sent = total() - before;
        long bytes = clients.stream().mapToLong(c -> c.bytes.get()).sum();
        System.out.printf("join storm of %d: %d messages (%.1f per member), %d bytes (%.1f KB per member)%n",
                MEMBERS, sent, sent / (double) MEMBERS, bytes, bytes / 1024.0 / MEMBERS);

        // joins complete in the order the store takes them, not quite the order they were sent: the last
        // one to complete sees everyone, and every member ends up showing the whole count
        int largestSnapshotCount = 0;
        for (Counting c : clients) {
            largestSnapshotCount = Math.max(largestSnapshotCount, countOf(c.snapshot.get()));
        }
        assertThat(largestSnapshotCount).as("the last joiner's snapshot counts everyone").isEqualTo(MEMBERS);
        assertThat(clients).allSatisfy(c -> assertThat(c.count).isEqualTo(MEMBERS));
        assertThat(clients.get(MEMBERS - 1).snapshot.get()).contains("\"large\":true");
        int t = f.server.config().roomLargeThreshold();
        // below the threshold a join reaches every member (t*t/2 at most, a constant); above it each joiner
        // gets its snapshot and each member one diff per second of the storm (2 s) and its tail
        long bound = (long) t * t / 2 + t + MEMBERS * (1L + 2 + 3);
        assertThat(sent).isLessThanOrEqualTo(bound);
        assertThat(sent).as("a join storm of n^2 would be 500,000").isLessThan((long) MEMBERS * MEMBERS / 10);
        assertThat(f.server.engine().stats().roomMembers()).isEqualTo(MEMBERS);
    }
}
