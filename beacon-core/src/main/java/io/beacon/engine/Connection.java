package io.beacon.engine;

import io.beacon.protocol.ServerMessage;
import io.beacon.time.Timeout;

/**
 * One client connection as the engine sees it: a WebSocket, or an SSE stream with its command
 * endpoint. Transports extend it.
 *
 * <p>The transport's I/O thread calls {@link #touch} for every frame (the heartbeat: one volatile
 * write, no engine work); everything else of the engine happens on the engine thread.
 */
public abstract class Connection {
    /** Close codes of protocol v1. */
    public static final int CLOSE_UNAUTHORIZED = 4001;
    public static final int CLOSE_TOKEN_EXPIRED = 4002;
    public static final int CLOSE_REPLACED = 4003;
    public static final int CLOSE_SESSION_EXPIRED = 4004;
    public static final int CLOSE_DISCONNECTED_BY_SERVER = 4005;

    private volatile long lastFrameNanos;

    // engine-thread state
    Session session;
    Timeout helloTimer;
    boolean engineClosed;

    /** Records that a frame arrived now. Called by the I/O thread; cheap. */
    public final void touch(long nanos) {
        lastFrameNanos = nanos;
    }

    public final long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** Sends a message; must not block. May be called from the engine thread. */
    public abstract void send(ServerMessage message);

    /**
     * Called on the engine thread right before the {@code welcome} of a new or resumed session is sent,
     * for transports that need the ids (SSE event ids carry the resume token).
     */
    protected void welcomed(String sessionId, String userId, String resumeToken) {
    }

    /** Asks the client for a sign of life: a WebSocket ping, an SSE comment. */
    public abstract void ping();

    /** Closes the connection with a protocol close code and reason. Idempotent. */
    public abstract void close(int code, String reason);

    /** The id of the session this connection carries, or {@code null} before hello. Engine thread only. */
    public final String sessionId() {
        Session s = session;
        return s == null ? null : s.id;
    }
}
