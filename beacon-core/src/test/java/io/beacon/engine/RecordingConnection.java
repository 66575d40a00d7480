package io.beacon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;

/** A connection that records what the engine sends, for engine tests. */
public final class RecordingConnection extends Connection {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<JsonNode> received = new ArrayList<>();
    public int pings;
    public Integer closeCode;
    public String closeReason;

    @Override
    public void send(ServerMessage message) {
        try {
            received.add(JSON.readTree(message.json()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void ping() {
        pings++;
    }

    @Override
    public void close(int code, String reason) {
        if (closeCode == null) {
            closeCode = code;
            closeReason = reason;
        }
    }

    /** Messages of one type received since the last {@link #clear()}. */
    public List<JsonNode> ofType(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : received) {
            if (n.path("type").asText().equals(type)) {
                out.add(n);
            }
        }
        return out;
    }

    public JsonNode last(String type) {
        List<JsonNode> l = ofType(type);
        if (l.isEmpty()) {
            throw new AssertionError("no " + type + " message; received: " + received);
        }
        return l.get(l.size() - 1);
    }

    public void clear() {
        received.clear();
    }
}
