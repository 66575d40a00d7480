package io.beacon.transport;

import io.beacon.auth.AuthException;
import io.beacon.auth.Principal;
import io.beacon.auth.TokenVerifier;
import io.beacon.engine.PresenceEngine;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.presence.Device;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ClientMessages;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ProtocolError;
import io.beacon.time.Ticker;
import java.util.concurrent.Executor;

/**
 * What every transport does with a client frame, in one place: count it as a heartbeat, rate-limit
 * it, parse and validate it, authenticate the hello, and hand it to the engine thread. A plain
 * {@code heartbeat} never leaves the I/O thread.
 */
public final class Gateway {
    /** What the SDKs send every heartbeat interval, byte for byte. */
    static final String PLAIN_HEARTBEAT = "{\"type\":\"heartbeat\"}";

    private final PresenceEngine engine;
    private final Executor engineThread;
    private final TokenVerifier verifier;
    private final ClientMessages parser;
    private final BeaconMetrics metrics;
    private final Ticker ticker;
    private final OutboundBatcher batcher;

    public Gateway(PresenceEngine engine, Executor engineThread, TokenVerifier verifier, ClientMessages parser,
                   BeaconMetrics metrics, Ticker ticker) {
        this.batcher = engineThread instanceof io.netty.util.concurrent.EventExecutor loop ? new OutboundBatcher(loop) : null;
        this.engine = engine;
        this.engineThread = engineThread;
        this.verifier = verifier;
        this.parser = parser;
        this.metrics = metrics;
        this.ticker = ticker;
    }

    public Ticker ticker() {
        return ticker;
    }

    /** Batches the engine thread's writes per I/O loop; {@code null} when the engine runs on a plain executor (tests). */
    public OutboundBatcher batcher() {
        return batcher;
    }

    public ClientMessages parser() {
        return parser;
    }

    public void opened(NettyConnection c) {
        engineThread.execute(() -> engine.connectionOpened(c));
    }

    public void closed(NettyConnection c) {
        engineThread.execute(() -> engine.connectionClosed(c));
    }

    /** Verifies a token; the failure carries the error code and close code to use. */
    public Principal authenticate(String token) throws AuthException {
        return verifier.verify(token);
    }

    /** Starts or resumes the session of an authenticated connection. */
    public void hello(NettyConnection c, Principal p, ClientMessage.Hello hello) {
        Device claim = p.device() == null ? null : Device.fromWire(p.device());
        engineThread.execute(() -> engine.hello(c, p.userId(), claim, p.rooms(), p.expiresAtMillis(), hello));
    }

    /** Hands a message made by the transport itself (SSE query parameters) to the engine. */
    public void dispatch(NettyConnection c, ClientMessage msg) {
        engineThread.execute(() -> engine.message(c, msg));
    }

    /**
     * Handles one text frame of a connection that already said hello.
     *
     * @return the error to answer with when the frame was refused before reaching the engine, else {@code null}
     */
    public ProtocolError frame(NettyConnection c, String text) {
        long now = ticker.nanos();
        c.touch(now);
        metrics.messagesIn.increment();
        if (PLAIN_HEARTBEAT.equals(text)) {
            // the most frequent frame of all: no parsing, no rate-limit bookkeeping, no engine work
            return null;
        }
        ClientMessage msg;
        try {
            msg = parser.parse(text); // bounded by the frame limit; parsed first so a refusal carries the id
        } catch (ProtocolError e) {
            return e;
        }
        if (!c.tryAcquire(now)) {
            return new ProtocolError(msg.id(), new BeaconError(ErrorCode.RATE_LIMITED, "too many messages; slow down"));
        }
        if (msg instanceof ClientMessage.Heartbeat hb) {
            if (hb.id() != null) {
                c.send(Messages.ack(hb.id()));
            }
            return null;
        }
        if (msg instanceof ClientMessage.Hello h) {
            return new ProtocolError(h.id(), BeaconError.badRequest("this connection already said hello"));
        }
        engineThread.execute(() -> engine.message(c, msg));
        return null;
    }

    /** Sends an error answer for a refused frame. */
    public static void answer(NettyConnection c, ProtocolError e) {
        c.send(Messages.error(e.id(), e.error()));
    }
}
