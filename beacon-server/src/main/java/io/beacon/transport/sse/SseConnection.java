package io.beacon.transport.sse;

import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ServerMessage;
import io.beacon.transport.NettyConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentMap;

/**
 * A session's SSE stream. Each message is one event: {@code id: <resume token>.<seq>},
 * {@code event: <type>}, {@code data: <json>}. The id lets a browser's automatic reconnect
 * ({@code Last-Event-ID}) resume the session inside the offline grace.
 */
final class SseConnection extends NettyConnection {
    private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ConcurrentMap<String, SseConnection> registry;
    private volatile String sessionId;
    private volatile String userId;
    private volatile String resumeToken = "-";
    private long seq;
    private boolean closing;

    SseConnection(Channel channel, BeaconMetrics metrics, int messagesPerSecond, int burst, long nowNanos,
                  ConcurrentMap<String, SseConnection> registry) {
        super(channel, metrics, messagesPerSecond, burst, nowNanos);
        this.registry = registry;
    }

    String userId() {
        return userId;
    }

    String sessionIdForCommands() {
        return sessionId;
    }

    @Override
    protected void welcomed(String sessionId, String userId, String resumeToken) {
        this.sessionId = sessionId;
        this.userId = userId;
        this.resumeToken = resumeToken;
        registry.put(sessionId, this);
    }

    void unregister() {
        String id = sessionId;
        if (id != null) {
            registry.remove(id, this);
        }
    }

    @Override
    protected synchronized void write(ServerMessage message) {
        if (closing) {
            return;
        }
        String head = "id: " + resumeToken + "." + (++seq) + "\nevent: " + message.type() + "\ndata: ";
        ByteBuf buf = Unpooled.wrappedBuffer(
                Unpooled.copiedBuffer(head, StandardCharsets.UTF_8),
                Unpooled.wrappedBuffer(message.json()),
                Unpooled.wrappedBuffer(new byte[] {'\n', '\n'}));
        // through the event loop's queue, so events leave in the order of their ids
        channel.eventLoop().execute(() -> channel.writeAndFlush(new DefaultHttpContent(buf), channel.voidPromise()));
    }

    @Override
    public synchronized void ping() {
        if (!closing && channel.isActive()) {
            channel.eventLoop().execute(() -> channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(PING)), channel.voidPromise()));
        }
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        String event = "event: close\ndata: {\"code\":" + code + ",\"reason\":\"" + reason.replace("\"", "'") + "\"}\n\n";
        ByteBuf buf = Unpooled.copiedBuffer(event, StandardCharsets.UTF_8);
        channel.eventLoop().execute(() -> {
            if (channel.isActive()) {
                channel.write(new DefaultHttpContent(buf));
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            } else {
                buf.release();
            }
        });
    }
}
