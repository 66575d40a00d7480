package io.beacon.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.auth.TokenIssuer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server process is killed with SIGKILL right after acknowledged writes and restarted on the same
 * data directory: every acknowledged write is there.
 */
class CrashRecoveryIT {
    private static final String SECRET = "crash-test-secret-0123456789-0123456789";
    private static final String KEY = "crash-test-api-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process server;
    private Path dataDir;
    private int port;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.destroyForcibly();
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void startServer() throws Exception {
        Path jar = Path.of("target/beacon.jar");
        assertThat(jar).as("the shaded jar is built in the package phase").exists();
        server = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "serve",
                "--http-port", Integer.toString(port), "--data-dir", dataDir.toString(),
                "--jwt-secret", SECRET, "--api-key", KEY))
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("server-" + System.nanoTime() + ".log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new AssertionError("server did not start; see " + dataDir, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillDashNine() throws Exception {
        dataDir = Files.createTempDirectory("beacon-crash");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startServer();

        assertThat(call("PUT", "/v1/users/bob/settings",
                "{\"visibility\":\"everyone\",\"last_seen\":{\"visibility\":\"nobody\",\"precision\":\"approximate\"}}").statusCode())
                .isEqualTo(200);
        assertThat(call("PUT", "/v1/users/bob/contacts", "{\"user_ids\":[\"alice\",\"carol\"]}").statusCode()).isEqualTo(200);
        assertThat(call("PATCH", "/v1/users/bob/blocks", "{\"add\":[\"mallory\"]}").statusCode()).isEqualTo(200);
        WsClient bob = WsClient.hello(port, new TokenIssuer(SECRET, System::currentTimeMillis).issue("bob", Duration.ofHours(1)), "web");
        bob.send("{\"type\":\"set_status\",\"id\":1,\"status\":\"busy\"}");
        bob.next("ack");
        bob.send("{\"type\":\"set_custom_status\",\"id\":2,\"text\":\"lunch\",\"emoji\":\"🍜\"}");
        bob.next("ack");

        server.destroyForcibly().waitFor(); // SIGKILL right after the acknowledgements
        startServer();

        JsonNode settings = WsClient.JSON.readTree(call("GET", "/v1/users/bob/settings", null).body());
        assertThat(settings.get("visibility").asText()).isEqualTo("everyone");
        assertThat(settings.get("last_seen").get("visibility").asText()).isEqualTo("nobody");
        assertThat(settings.get("last_seen").get("precision").asText()).isEqualTo("approximate");
        assertThat(settings.get("status").asText()).isEqualTo("busy");
        assertThat(settings.get("custom_status").get("text").asText()).isEqualTo("lunch");
        assertThat(settings.get("custom_status").get("emoji").asText()).isEqualTo("🍜");
        assertThat(call("GET", "/v1/users/bob/contacts", null).body()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"alice\",\"carol\"]}");
        assertThat(call("GET", "/v1/users/bob/blocks", null).body()).isEqualTo("{\"user_id\":\"bob\",\"user_ids\":[\"mallory\"]}");

        // and the presence the restarted node shows: bob is gone, his custom status is not
        JsonNode p = WsClient.JSON.readTree(call("GET", "/v1/presence/bob?viewer=alice", null).body());
        assertThat(p.get("status").asText()).isEqualTo("offline");
        assertThat(p.get("custom_status").get("text").asText()).isEqualTo("lunch");
    }
}
