package io.beacon.transport;

import io.beacon.engine.Connection;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ServerMessage;
import io.beacon.time.TokenBucket;
import io.netty.channel.Channel;

/**
 * A {@link Connection} on a Netty channel, with the per-connection message rate limit (a
 * {@link TokenBucket} refilled lazily: no timer).
 */
public abstract class NettyConnection extends Connection {
    protected final Channel channel;
    protected final BeaconMetrics metrics;
    private final TokenBucket rate;

    protected NettyConnection(Channel channel, BeaconMetrics metrics, int messagesPerSecond, int burst, long nowNanos) {
        this.channel = channel;
        this.metrics = metrics;
        this.rate = new TokenBucket(messagesPerSecond, burst, nowNanos);
    }

    public Channel channel() {
        return channel;
    }

    /** Takes one message from the bucket; false when the client is over its rate. */
    public final synchronized boolean tryAcquire(long nowNanos) {
        return rate.tryAcquire(nowNanos); // an SSE connection's commands arrive on any I/O thread
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
