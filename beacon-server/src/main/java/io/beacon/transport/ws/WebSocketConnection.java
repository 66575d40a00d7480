package io.beacon.transport.ws;

import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ServerMessage;
import io.beacon.transport.NettyConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** A session's WebSocket: one text frame per message, the message's shared JSON bytes wrapped, not copied. */
final class WebSocketConnection extends NettyConnection {
    private volatile boolean closing;
    private final io.beacon.transport.OutboundBatcher batcher;

    WebSocketConnection(Channel channel, BeaconMetrics metrics, int messagesPerSecond, int burst, long nowNanos,
                        io.beacon.transport.OutboundBatcher batcher) {
        super(channel, metrics, messagesPerSecond, burst, nowNanos);
        this.batcher = batcher;
    }

    @Override
    protected void write(ServerMessage message) {
        TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(message.json()));
        if (batcher != null && batcher.inEngineThread()) {
            batcher.write(channel, frame); // fan-out: one task per I/O loop, not one per watcher
        } else {
            channel.writeAndFlush(frame, channel.voidPromise());
        }
    }

    @Override
    public void ping() {
        if (channel.isActive()) {
            channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        if (batcher != null && batcher.inEngineThread()) {
            batcher.afterQueuedWrites(() -> closeNow(code, reason)); // the error that explains it goes first
        } else {
            closeNow(code, reason);
        }
    }

    private void closeNow(int code, String reason) {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
