package io.beacon.transport;

import io.beacon.error.BeaconError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writing HTTP answers: JSON bodies, {@code {code, message}} errors, keep-alive handling. */
public final class HttpResponses {
    private HttpResponses() {
    }

    public static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String json) {
        send(ctx, req, status, "application/json", Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    public static void json(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, byte[] json) {
        send(ctx, req, status, "application/json", Unpooled.wrappedBuffer(json));
    }

    public static void error(ChannelHandlerContext ctx, HttpRequest req, BeaconError e) {
        String body = "{\"code\":\"" + e.code().wire() + "\",\"message\":" + quote(e.getMessage()) + "}";
        json(ctx, req, HttpResponseStatus.valueOf(e.code().httpStatus()), body);
    }

    public static void send(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        boolean keepAlive = req != null && HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The token of an {@code Authorization: Bearer …} header, or {@code null}. */
    public static String bearer(HttpRequest req) {
        String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = h.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
