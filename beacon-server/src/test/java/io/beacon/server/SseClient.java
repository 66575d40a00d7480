package io.beacon.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test reader of Beacon's SSE stream, with the command endpoint beside it. */
final class SseClient implements AutoCloseable {
    /** One server-sent event. */
    record Event(String id, String event, JsonNode data) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final int status;
    private final InputStream body;
    private final Thread reader;
    private final int port;
    private final String token;
    String sessionId;
    volatile String lastEventId;

    SseClient(int port, String token, String query, String lastEventIdHeader) throws Exception {
        this.port = port;
        this.token = token;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events?" + query))
                .header("Accept", "text/event-stream");
        if (lastEventIdHeader != null) {
            req.header("Last-Event-ID", lastEventIdHeader);
        }
        HttpResponse<InputStream> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        status = res.statusCode();
        body = res.body();
        reader = Thread.ofVirtual().start(this::read);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (event != null) {
                        JsonNode json = data.isEmpty() ? null : WsClient.JSON.readTree(data.toString());
                        if (id != null) {
                            lastEventId = id;
                        }
                        events.add(new Event(id, event, json));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (Exception e) {
            // stream closed
        }
    }

    /** The next event of this kind (others are dropped); fails after 5 s. */
    Event next(String event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Event e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no " + event + " event within 5 s");
            }
            if (e.event().equals(event)) {
                if (event.equals("welcome")) {
                    sessionId = e.data().get("session_id").asText();
                }
                return e;
            }
        }
    }

    /** POSTs one client message to /v1/commands; returns the HTTP response. */
    HttpResponse<String> command(String json) throws Exception {
        return command(json, token, sessionId);
    }

    HttpResponse<String> command(String json, String bearer, String session) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/commands"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        if (session != null) {
            req.header("X-Beacon-Session", session);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        body.close();
        reader.interrupt();
    }
}
