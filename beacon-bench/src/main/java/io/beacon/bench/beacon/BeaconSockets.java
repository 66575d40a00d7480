package io.beacon.bench.beacon;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** How the bench's Beacon clients open a WebSocket and say hello, in one place for every driver. */
final class BeaconSockets {
    private BeaconSockets() {
    }

    /**
     * Connects to {@code uri} with a WebSocket client pipeline ending in {@code handler}; a failed
     * connect fails {@code welcomed}.
     *
     * @param handleCloseFrames whether the protocol handler answers close frames itself (else the handler sees them)
     */
    static void connect(EventLoopGroup group, URI uri, int maxFramePayload, boolean handleCloseFrames, ChannelHandler handler,
                        CompletableFuture<?> welcomed) {
        Bootstrap b = new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).version(WebSocketVersion.V13)
                                        .customHeaders(new DefaultHttpHeaders())
                                        .maxFramePayloadLength(maxFramePayload)
                                        .handshakeTimeoutMillis(30_000)
                                        .handleCloseFrames(handleCloseFrames)
                                        .build()),
                                handler);
                    }
                });
        b.connect(uri.getHost(), uri.getPort()).addListener(f -> {
            if (!f.isSuccess()) {
                welcomed.completeExceptionally(f.cause());
            }
        });
    }

    /**
     * A handler's {@code userEventTriggered}: once the upgrade is done, hands over the channel and sends
     * the {@code hello}; a handshake timeout fails {@code welcomed}.
     */
    static void onHandshakeEvent(ChannelHandlerContext ctx, Object evt, String hello, Consumer<Channel> opened,
                                 CompletableFuture<?> welcomed) {
        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            opened.accept(ctx.channel());
            ctx.writeAndFlush(new TextWebSocketFrame(hello));
        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            welcomed.completeExceptionally(new IllegalStateException("WebSocket handshake timed out"));
        }
    }
}
