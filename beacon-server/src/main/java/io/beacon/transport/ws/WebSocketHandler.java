package io.beacon.transport.ws;

import io.beacon.auth.AuthException;
import io.beacon.auth.Principal;
import io.beacon.engine.Connection;
import io.beacon.error.ErrorCode;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.Messages;
import io.beacon.protocol.ProtocolError;
import io.beacon.transport.Gateway;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The last handler of a {@code /v1/connect} channel after the upgrade. The first text frame must be
 * a {@code hello} with a valid token; after that every frame goes through the {@link Gateway}.
 * Control frames count as heartbeats (a browser's automatic pong keeps a session alive).
 */
public final class WebSocketHandler extends ChannelInboundHandlerAdapter {
    private final Gateway gateway;
    private final WebSocketConnection conn;
    private boolean saidHello;

    public WebSocketHandler(Gateway gateway, io.netty.channel.Channel channel, BeaconMetrics metrics,
                            int messagesPerSecond, int burst) {
        this.gateway = gateway;
        this.conn = new WebSocketConnection(channel, metrics, messagesPerSecond, burst, gateway.ticker().nanos(),
                gateway.batcher());
    }

    /** Called once the upgrade completed. */
    public void start() {
        gateway.opened(conn);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                onText(text.text());
            } else if (msg instanceof PongWebSocketFrame) {
                conn.touch(gateway.ticker().nanos());
            } else if (msg instanceof PingWebSocketFrame ping) {
                conn.touch(gateway.ticker().nanos());
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame) {
                conn.close(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "bye");
            } else if (msg instanceof BinaryWebSocketFrame) {
                conn.touch(gateway.ticker().nanos());
                conn.send(Messages.error(null, ErrorCode.UNSUPPORTED, "binary frames are not supported; send JSON text frames"));
                if (!saidHello) {
                    conn.close(Connection.CLOSE_UNAUTHORIZED, "expected hello");
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(String text) {
        if (saidHello) {
            ProtocolError refused = gateway.frame(conn, text);
            if (refused != null) {
                refuse(refused);
            }
            return;
        }
        conn.touch(gateway.ticker().nanos());
        ClientMessage first;
        try {
            first = gateway.parser().parse(text);
        } catch (ProtocolError e) {
            conn.send(Messages.error(e.id(), e.error()));
            conn.close(Connection.CLOSE_UNAUTHORIZED, "expected hello");
            return;
        }
        if (!(first instanceof ClientMessage.Hello hello)) {
            conn.send(Messages.error(first.id(), ErrorCode.BAD_REQUEST, "the first message must be hello, not " + first.type()));
            conn.close(Connection.CLOSE_UNAUTHORIZED, "expected hello");
            return;
        }
        Principal principal;
        try {
            principal = gateway.authenticate(hello.token());
        } catch (AuthException e) {
            conn.send(Messages.error(hello.id(), e.errorCode(), e.getMessage()));
            conn.close(e.closeCode(), e.expired() ? "token expired" : "unauthorized");
            return;
        }
        saidHello = true;
        gateway.hello(conn, principal, hello);
    }

    private void refuse(ProtocolError e) {
        Gateway.answer(conn, e);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        gateway.closed(conn);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException
                && ((CorruptedWebSocketFrameException) cause).closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
            conn.send(Messages.error(null, ErrorCode.TOO_LARGE, "frame too large: " + cause.getMessage()));
            conn.close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "frame too large");
        } else if (cause instanceof CorruptedFrameException) {
            conn.send(Messages.error(null, ErrorCode.BAD_REQUEST, "invalid WebSocket frame: " + cause.getMessage()));
            conn.close(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "protocol error");
        } else if (cause instanceof IOException) {
            ctx.close(); // connection reset and the like: nothing to tell the peer
        } else {
            conn.send(Messages.error(null, ErrorCode.INTERNAL, "internal error"));
            conn.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error");
        }
    }
}
