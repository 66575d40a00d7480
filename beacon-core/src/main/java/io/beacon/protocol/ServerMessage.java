package io.beacon.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A server → client message of protocol v1. Its JSON is encoded once, on first use, and then shared
 * by every connection it is sent to: fan-out of one change to many subscribers encodes it once.
 */
public abstract class ServerMessage {
    static final JsonFactory JSON = new JsonFactory();

    private volatile byte[] json;

    /** The {@code type} word, also the SSE {@code event:} name. */
    public abstract String type();

    /** Writes the fields after {@code "type"}. */
    protected abstract void writeFields(JsonGenerator g) throws IOException;

    /** The UTF-8 JSON of this message. Do not modify the returned array. */
    public final byte[] json() {
        byte[] j = json;
        if (j == null) {
            j = encode();
            json = j;
        }
        return j;
    }

    public final String jsonString() {
        return new String(json(), StandardCharsets.UTF_8);
    }

    private byte[] encode() {
        try (ByteArrayBuilder out = new ByteArrayBuilder(128);
             JsonGenerator g = JSON.createGenerator(out)) {
            writeObject(g);
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final void writeObject(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type());
        writeFields(g);
        g.writeEndObject();
    }

    static void writeId(JsonGenerator g, String rawId) throws IOException {
        if (rawId != null) {
            g.writeFieldName("id");
            g.writeRawValue(rawId);
        }
    }

    @Override
    public String toString() {
        return jsonString();
    }
}
