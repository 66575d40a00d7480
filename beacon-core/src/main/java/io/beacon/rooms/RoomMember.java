package io.beacon.rooms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One user in a room, with each of their sessions there (contract §4: membership is per session,
 * listed per user). Immutable: a change makes a new member, so "did this member change" is cheap, and
 * the member's wire JSON is encoded once and shared by every snapshot and diff that carries it.
 *
 * <p>{@code seq} orders members by when the user first joined (a user who leaves and comes back is
 * last again); it is the order of member lists and the cursor of paged reads. {@code blocks} are the
 * user's blocked users at the time of the last join or settings change: a blocked viewer is not shown
 * this member (contract §3). They never leave the server.
 */
public final class RoomMember {
    private static final JsonFactory JSON = new JsonFactory();

    private final String userId;
    private final long seq;
    private final Set<String> blocks;
    private final List<RoomSession> sessions;
    private volatile byte[] json;

    public RoomMember(String userId, long seq, Set<String> blocks, List<RoomSession> sessions) {
        this.userId = Objects.requireNonNull(userId, "userId");
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be > 0, was " + seq);
        }
        this.seq = seq;
        this.blocks = Set.copyOf(blocks);
        this.sessions = List.copyOf(sessions);
        if (this.sessions.isEmpty()) {
            throw new IllegalArgumentException("a room member has at least one session (" + userId + ")");
        }
    }

    public String userId() {
        return userId;
    }

    public long seq() {
        return seq;
    }

    public Set<String> blocks() {
        return blocks;
    }

    public List<RoomSession> sessions() {
        return sessions;
    }

    /** The session with this id, or {@code null}. */
    public RoomSession session(String sessionId) {
        for (RoomSession s : sessions) {
            if (s.sessionId().equals(sessionId)) {
                return s;
            }
        }
        return null;
    }

    /** This member with {@code s} added, or replacing the session of the same id (keeping its place). */
    public RoomMember withSession(RoomSession s) {
        List<RoomSession> out = new ArrayList<>(sessions.size() + 1);
        boolean replaced = false;
        for (RoomSession old : sessions) {
            if (old.sessionId().equals(s.sessionId())) {
                out.add(s);
                replaced = true;
            } else {
                out.add(old);
            }
        }
        if (!replaced) {
            out.add(s);
        }
        return new RoomMember(userId, seq, blocks, out);
    }

    /** This member without the session, or {@code null} when it was the last one. */
    public RoomMember withoutSession(String sessionId) {
        List<RoomSession> out = new ArrayList<>(sessions.size());
        for (RoomSession old : sessions) {
            if (!old.sessionId().equals(sessionId)) {
                out.add(old);
            }
        }
        if (out.size() == sessions.size()) {
            return this;
        }
        return out.isEmpty() ? null : new RoomMember(userId, seq, blocks, out);
    }

    public RoomMember withBlocks(Set<String> newBlocks) {
        return new RoomMember(userId, seq, newBlocks, sessions);
    }

    /**
     * The member as clients see it:
     * {@code {"user_id":…,"sessions":[{"session_id":…,"device":…,"meta":{…},"joined_at":…}]}}.
     * Encoded once; do not modify the returned array.
     */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            j = encode();
            json = j;
        }
        return j;
    }

    private byte[] encode() {
        try (ByteArrayBuilder out = new ByteArrayBuilder(96 + 80 * sessions.size());
             JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("user_id", userId);
            g.writeArrayFieldStart("sessions");
            for (RoomSession s : sessions) {
                g.writeStartObject();
                g.writeStringField("session_id", s.sessionId());
                g.writeStringField("device", s.device().wire());
                g.writeFieldName("meta");
                g.writeRawValue(s.meta());
                g.writeNumberField("joined_at", s.joinedAt());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof RoomMember m && seq == m.seq && userId.equals(m.userId) && blocks.equals(m.blocks)
                && sessions.equals(m.sessions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, seq, blocks, sessions);
    }

    @Override
    public String toString() {
        return "RoomMember{" + userId + " #" + seq + " " + sessions + (blocks.isEmpty() ? "" : " blocks=" + blocks) + "}";
    }
}
