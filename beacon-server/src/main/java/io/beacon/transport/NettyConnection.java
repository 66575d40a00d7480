package io.beacon.transport;

import io.beacon.engine.Connection;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ServerMessage;
import io.netty.channel.Channel;

/**
 * A {@link Connection} on a Netty channel, with the per-connection message rate limit (a token
 * bucket of two fields, refilled lazily: no timer).
 */
public abstract class NettyConnection extends Connection {
    protected final Channel channel;
    protected final BeaconMetrics metrics;
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long refilledAt;

    protected NettyConnection(Channel channel, BeaconMetrics metrics, int messagesPerSecond, int burst, long nowNanos) {
        this.channel = channel;
        this.metrics = metrics;
        this.ratePerNano = messagesPerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.refilledAt = nowNanos;
    }

    public Channel channel() {
        return channel;
    }

    /** Takes one message from the bucket; false when the client is over its rate. */
    public final synchronized boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            refilledAt = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    @Override
    public final void send(ServerMessage message) {
        if (!channel.isActive()) {
            return;
        }
        if (!channel.isWritable()) {
            // the client does not read: drop it rather than buffer without bound
            close(1008, "client too slow: outbound buffer full");
            return;
        }
        metrics.messagesOut.increment();
        if ("error".equals(message.type())) {
            metrics.errors.increment();
        }
        write(message);
    }

    /** Writes one message in the transport's framing. */
    protected abstract void write(ServerMessage message);
}
