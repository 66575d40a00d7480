package io.beacon.transport;

import io.beacon.error.BeaconError;
import io.beacon.error.ErrorCode;
import io.beacon.metrics.BeaconMetrics;
import io.beacon.rest.AdminStats;
import io.beacon.rest.DevContacts;
import io.beacon.rest.DevTokens;
import io.beacon.rest.RestApi;
import io.beacon.transport.sse.SseTransport;
import io.beacon.transport.ws.WebSocketHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

/**
 * Routes each HTTP request of a connection: the WebSocket upgrade, the SSE stream and commands, the
 * REST API, the ops endpoints, dev tokens and the static web pages. After a WebSocket upgrade it
 * leaves the pipeline.
 */
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Gateway gateway;
    private final SseTransport sse;
    private final RestApi rest;
    private final io.beacon.rest.UsersApi users;
    private final AdminStats adminStats;
    private final DevTokens devTokens;
    private final DevContacts devContacts;
    private final WebAssets assets;
    private final BeaconMetrics metrics;
    private final WebSocketDecoderConfig wsConfig;
    private final int maxFrameBytes;
    private final int messagesPerSecond;
    private final int burst;

    public HttpRouter(Gateway gateway, SseTransport sse, RestApi rest, io.beacon.rest.UsersApi users, AdminStats adminStats,
                      DevTokens devTokens, DevContacts devContacts, WebAssets assets, BeaconMetrics metrics, int maxFrameBytes,
                      int messagesPerSecond, int burst) {
        this.users = users;
        this.adminStats = adminStats;
        this.devTokens = devTokens;
        this.devContacts = devContacts;
        this.assets = assets;
        this.gateway = gateway;
        this.sse = sse;
        this.rest = rest;
        this.metrics = metrics;
        this.maxFrameBytes = maxFrameBytes;
        this.messagesPerSecond = messagesPerSecond;
        this.burst = burst;
        this.wsConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.error(ctx, null, BeaconError.badRequest("malformed HTTP request"));
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(req.uri());
        String path = query.path();
        HttpMethod method = req.method();
        switch (path) {
            case "/v1/connect" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    upgrade(ctx, req);
                }
            }
            case "/v1/events" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    sse.openStream(ctx, req, query);
                }
            }
            case "/v1/commands" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    sse.command(ctx, req);
                }
            }
            case "/healthz" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    rest.healthz(ctx, req);
                }
            }
            case "/readyz" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    rest.readyz(ctx, req);
                }
            }
            case "/metrics" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    rest.metrics(ctx, req);
                }
            }
            case "/v1/presence/query" -> {
                if (expect(ctx, req, HttpMethod.POST) && rest.authorized(ctx, req)) {
                    rest.query(ctx, req);
                }
            }
            case "/v1/admin/stats" -> {
                if (expect(ctx, req, HttpMethod.GET) && rest.authorized(ctx, req)) {
                    adminStats.handle(ctx, req);
                }
            }
            case "/v1/dev/info" -> {
                if (expect(ctx, req, HttpMethod.GET)) {
                    devTokens.info(ctx, req);
                }
            }
            case "/v1/dev/token" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    devTokens.mint(ctx, req);
                }
            }
            case "/v1/dev/contacts" -> {
                if (expect(ctx, req, HttpMethod.POST)) {
                    devContacts.handle(ctx, req);
                }
            }
            case "/", "/index.html" -> assets.serve(ctx, req, "index.html", false);
            case "/admin", "/admin/" -> assets.serve(ctx, req, "admin.html", true);
            default -> {
                String raw = rawPath(req); // ids arrive percent-encoded: split first, decode each segment once
                String asset = assetName(raw);
                if (asset != null) {
                    assets.serve(ctx, req, asset, asset.startsWith("admin/"));
                } else if (raw.startsWith("/v1/users/")) {
                    String rest2 = raw.substring("/v1/users/".length());
                    int slash = rest2.indexOf('/');
                    if (slash <= 0 || rest2.indexOf('/', slash + 1) >= 0) {
                        HttpResponses.error(ctx, req, BeaconError.notFound("no such endpoint: " + method + " " + path));
                    } else if (rest.authorized(ctx, req)) {
                        users.handle(ctx, req, decodeSegment(rest2.substring(0, slash)), decodeSegment(rest2.substring(slash + 1)));
                    }
                } else if (raw.startsWith("/v1/rooms/") && raw.endsWith("/members")
                        && raw.indexOf('/', "/v1/rooms/".length()) == raw.length() - "/members".length()
                        && raw.length() > "/v1/rooms/".length() + "/members".length()) {
                    if (expect(ctx, req, HttpMethod.GET) && rest.authorized(ctx, req)) {
                        String room = decodeSegment(raw.substring("/v1/rooms/".length(), raw.length() - "/members".length()));
                        rest.roomMembers(ctx, req, room, query);
                    }
                } else if (raw.startsWith("/v1/presence/") && raw.indexOf('/', "/v1/presence/".length()) < 0) {
                    if (expect(ctx, req, HttpMethod.GET) && rest.authorized(ctx, req)) {
                        String userId = decodeSegment(raw.substring("/v1/presence/".length()));
                        rest.getPresence(ctx, req, userId, query);
                    }
                } else {
                    HttpResponses.error(ctx, req, BeaconError.notFound("no such endpoint: " + method + " " + path));
                }
            }
        }
    }

    /** The directories of static files: {@code /sdk/…}, {@code /demo/…}, {@code /admin/…}, {@code /common/…} (what the pages share). */
    private static final String[] ASSET_DIRS = {"/sdk/", "/demo/", "/admin/", "/common/"};

    /**
     * The asset a raw (not decoded) path names, relative to the assets' root, or {@code null} when the
     * path is not under an asset directory. The name is not checked here: {@link WebAssets} refuses
     * anything that is not a plain file name.
     */
    static String assetName(String raw) {
        for (String dir : ASSET_DIRS) {
            if (raw.startsWith(dir)) {
                return raw.substring(1);
            }
        }
        return raw.equals("/favicon.ico") ? "favicon.ico" : null;
    }

    /** The request path before percent-decoding (ids may hold {@code /}, {@code +} and {@code %} encoded). */
    private static String rawPath(FullHttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Percent-decodes one path segment; a {@code +} stays a plus (it means space only in queries). */
    private static String decodeSegment(String raw) {
        return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"));
    }

    private static boolean expect(ChannelHandlerContext ctx, FullHttpRequest req, HttpMethod method) {
        if (req.method().equals(method)) {
            return true;
        }
        HttpResponses.error(ctx, req, new BeaconError(ErrorCode.BAD_REQUEST,
                "method " + req.method() + " is not allowed here; use " + method));
        return false;
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        String location = "ws://" + req.headers().get("Host", "localhost") + "/v1/connect";
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, wsConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        if (!"websocket".equalsIgnoreCase(req.headers().get("Upgrade"))) {
            HttpResponses.error(ctx, req, BeaconError.badRequest("this endpoint speaks WebSocket: send an Upgrade: websocket request"));
            return;
        }
        WebSocketHandler handler = new WebSocketHandler(gateway, ctx.channel(), metrics, messagesPerSecond, burst);
        ctx.pipeline().addLast("ws-aggregator", new WebSocketFrameAggregator(maxFrameBytes));
        ctx.pipeline().addLast("ws", handler);
        ctx.pipeline().remove(this);
        HttpInitializer.stopIdleTimeout(ctx.pipeline());
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                handler.start();
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
