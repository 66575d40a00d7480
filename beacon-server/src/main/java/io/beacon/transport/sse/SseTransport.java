package io.beacon.transport.sse;

import io.beacon.auth.AuthException;
import io.beacon.auth.Principal;
import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.presence.Device;
import io.beacon.protocol.ClientMessage;
import io.beacon.protocol.ProtocolError;
import io.beacon.protocol.ProtocolLimits;
import io.beacon.transport.Gateway;
import io.beacon.transport.HttpResponses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSE transport: {@code GET /v1/events} opens a session's event stream, {@code POST /v1/commands}
 * carries its client messages. Replies (ack, error, snapshots) arrive on the stream like on a
 * WebSocket; the POST answers {@code 202} once the message is accepted, or the error at once when it
 * is refused before reaching the engine.
 */
public final class SseTransport {
    private final Gateway gateway;
    private final BeaconMetrics metrics;
    private final int messagesPerSecond;
    private final int burst;
    private final ConcurrentHashMap<String, SseConnection> sessions = new ConcurrentHashMap<>();

    public SseTransport(Gateway gateway, BeaconMetrics metrics, int messagesPerSecond, int burst) {
        this.gateway = gateway;
        this.metrics = metrics;
        this.messagesPerSecond = messagesPerSecond;
        this.burst = burst;
    }

    /** {@code GET /v1/events?token=JWT&device=web&subscribe=u1,u2&rooms=r1&resume=…}. */
    public void openStream(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
        String token = first(query, "token");
        if (token == null) {
            token = HttpResponses.bearer(req);
        }
        if (token == null) {
            HttpResponses.error(ctx, req, new BeaconError(ErrorCode.UNAUTHORIZED, "missing token: pass ?token=JWT or Authorization: Bearer JWT"));
            return;
        }
        Principal principal = authenticate(ctx, req, token);
        if (principal == null) {
            return;
        }
        Device device = null;
        String deviceWord = first(query, "device");
        if (deviceWord != null) {
            device = Device.fromWire(deviceWord);
            if (device == null) {
                HttpResponses.error(ctx, req, BeaconError.badRequest("device must be one of web, desktop, mobile, other; was \"" + deviceWord + "\""));
                return;
            }
        }
        List<String> subscribe;
        List<String> rooms;
        try {
            subscribe = list(query, "subscribe", "subscribe");
            rooms = rooms(query);
        } catch (BeaconError e) {
            HttpResponses.error(ctx, req, e);
            return;
        }
        String resume = first(query, "resume");
        String lastEventId = req.headers().get("Last-Event-ID");
        if (resume == null && lastEventId != null && lastEventId.indexOf('.') > 0) {
            resume = lastEventId.substring(0, lastEventId.lastIndexOf('.'));
        }
        if (resume != null && resume.length() > ProtocolLimits.MAX_RESUME_LENGTH) {
            resume = null;
        }

        DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        res.headers().set("X-Accel-Buffering", "no");
        HttpUtil.setTransferEncodingChunked(res, true);
        ctx.writeAndFlush(res);

        SseConnection conn = new SseConnection(ctx.channel(), metrics, messagesPerSecond, burst, gateway.ticker().nanos(), sessions);
        conn.touch(gateway.ticker().nanos());
        ChannelPipeline p = ctx.pipeline();
        io.beacon.transport.HttpInitializer.stopIdleTimeout(p);
        p.addLast("sse", new StreamHandler(conn));
        gateway.opened(conn);
        gateway.hello(conn, principal, new ClientMessage.Hello(null, token, device, 1, resume));
        if (!subscribe.isEmpty()) {
            gateway.dispatch(conn, new ClientMessage.Subscribe(null, subscribe));
        }
        for (String room : rooms) {
            gateway.dispatch(conn, new ClientMessage.Join(null, room, null));
        }
    }

    /** {@code POST /v1/commands} with {@code Authorization: Bearer JWT} and {@code X-Beacon-Session}. */
    public void command(ChannelHandlerContext ctx, FullHttpRequest req) {
        String token = HttpResponses.bearer(req);
        if (token == null) {
            HttpResponses.error(ctx, req, new BeaconError(ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer JWT"));
            return;
        }
        Principal principal = authenticate(ctx, req, token);
        if (principal == null) {
            return;
        }
        String sessionId = req.headers().get("X-Beacon-Session");
        if (sessionId == null) {
            HttpResponses.error(ctx, req, BeaconError.badRequest("missing header X-Beacon-Session (the session_id of the welcome event)"));
            return;
        }
        SseConnection conn = sessions.get(sessionId);
        if (conn == null || !principal.userId().equals(conn.userId())) {
            HttpResponses.error(ctx, req, BeaconError.notFound("no open SSE stream for session " + sessionId));
            return;
        }
        ProtocolError refused = gateway.frame(conn, req.content().toString(StandardCharsets.UTF_8));
        if (refused != null) {
            HttpResponses.error(ctx, req, refused.error());
            return;
        }
        HttpResponses.json(ctx, req, HttpResponseStatus.ACCEPTED, "{\"status\":\"accepted\"}");
    }

    /** The token's principal, or {@code null} after answering 401 with the reason. */
    private Principal authenticate(ChannelHandlerContext ctx, FullHttpRequest req, String token) {
        try {
            return gateway.authenticate(token);
        } catch (AuthException e) {
            HttpResponses.error(ctx, req, new BeaconError(e.errorCode(), e.getMessage()));
            return null;
        }
    }

    private List<String> list(QueryStringDecoder query, String name, String what) {
        List<String> out = new ArrayList<>();
        List<String> values = query.parameters().get(name);
        if (values == null) {
            return out;
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isEmpty()) {
                    ids.add(gateway.parser().checkUserId(part, what + " entry"));
                }
            }
        }
        if (ids.size() > gateway.parser().limits().maxUserIds()) {
            throw BeaconError.tooLarge(what + " has " + ids.size() + " entries; the limit is " + gateway.parser().limits().maxUserIds());
        }
        out.addAll(ids);
        return out;
    }

    /** The {@code rooms} parameter: comma-separated room ids (a room whose id has a comma is joined with a command). */
    private static List<String> rooms(QueryStringDecoder query) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String v : query.parameters().getOrDefault("rooms", List.of())) {
            for (String part : v.split(",")) {
                if (!part.isEmpty()) {
                    ids.add(io.beacon.protocol.ClientMessages.checkRoomId(part, "rooms entry"));
                }
            }
        }
        return new ArrayList<>(ids);
    }

    private static String first(QueryStringDecoder q, String name) {
        Map<String, List<String>> params = q.parameters();
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Watches the stream's channel; a client sends nothing more on it. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private final SseConnection conn;

        StreamHandler(SseConnection conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // nothing is expected from the client on the stream
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            conn.unregister();
            gateway.closed(conn);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
