package io.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test client on the JDK's WebSocket: collects every message; answers pings as browsers do. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    final List<JsonNode> seen = new ArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket ws;

    static WsClient connect(int port) {
        WsClient c = new WsClient();
        c.ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/connect"), c).join();
        return c;
    }

    /** Connects and says hello; returns the client once the welcome arrived. */
    static WsClient hello(int port, String token, String device) {
        return hello(port, token, device, null);
    }

    static WsClient hello(int port, String token, String device, String resume) {
        WsClient c = connect(port);
        c.send("{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"" + device + "\",\"protocol\":1"
                + (resume == null ? "" : ",\"resume\":\"" + resume + "\"") + "}");
        c.next("welcome");
        return c;
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    /** The next message of this type (others are kept in {@link #seen}); fails after 5 s. */
    JsonNode next(String type) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (JsonNode n : seen) {
            if (n.path("type").asText().equals(type) && !n.has("_taken")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_taken", true);
                return n;
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode n;
            try {
                n = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (n == null) {
                throw new AssertionError("no " + type + " within 5 s; seen: " + seen);
            }
            seen.add(n);
            if (n.path("type").asText().equals(type)) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_taken", true);
                return n;
            }
        }
    }

    /** Everything that arrives within the window (for asserting that nothing arrives). */
    List<JsonNode> drain(Duration window) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return out;
                }
                JsonNode n = inbox.poll(left, TimeUnit.NANOSECONDS);
                if (n != null) {
                    seen.add(n);
                    out.add(n);
                }
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    int awaitClose() {
        try {
            return closeCode.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within 5 s; seen " + seen, e);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                inbox.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(-1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
