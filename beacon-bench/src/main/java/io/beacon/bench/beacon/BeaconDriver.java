package io.beacon.bench.beacon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.auth.TokenIssuer;
import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Beacon's protocol v1 on Netty WebSocket clients: thousands of sessions per process on one event
 * loop group. A status change is an activity label carrying the token.
 */
public final class BeaconDriver implements ClientDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group;
    private final String host;
    private final int port;
    private final TokenIssuer issuer;
    private final URI uri;

    public BeaconDriver(EventLoopGroup group, String host, int port, String secret) {
        this.group = group;
        this.host = host;
        this.port = port;
        this.issuer = new TokenIssuer(secret, System::currentTimeMillis);
        this.uri = URI.create("ws://" + host + ":" + port + "/v1/connect");
    }

    @Override
    public CompletableFuture<ClientSession> connect(int user, PresenceListener listener) {
        Session s = new Session(user, listener);
        return s.open(null);
    }

    static int userIndex(String userId) {
        return userId.length() > 1 && userId.charAt(0) == 'u' ? Integer.parseInt(userId, 1, userId.length(), 10) : -1;
    }

    private final class Session implements ClientSession {
        final int user;
        final PresenceListener listener;
        volatile Channel channel;
        volatile String resumeToken;
        volatile boolean frozen;
        CompletableFuture<ClientSession> welcomed;
        final Queue<CompletableFuture<Void>> pendingWatches = new ArrayDeque<>();
        int nextId;

        Session(int user, PresenceListener listener) {
            this.user = user;
            this.listener = listener;
        }

        CompletableFuture<ClientSession> open(String resume) {
            CompletableFuture<ClientSession> mine = new CompletableFuture<>();
            welcomed = mine;
            frozen = false;
            String token = issuer.issue("u" + user, Duration.ofHours(6));
            String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"web\",\"protocol\":1"
                    + (resume == null ? "" : ",\"resume\":\"" + resume + "\"") + "}";
            BeaconSockets.connect(group, uri, 1 << 20, true, new Handler(hello, mine), mine);
            return mine;
        }

        @Override
        public int user() {
            return user;
        }

        @Override
        public CompletableFuture<Void> watch(int[] users) {
            // in chunks: a frame is at most 64 KiB, and 10,000 ids do not fit in one
            List<CompletableFuture<Void>> parts = new java.util.ArrayList<>();
            for (int from = 0; from < users.length; from += 1000) {
                StringBuilder ids = new StringBuilder(8000);
                for (int i = from; i < Math.min(users.length, from + 1000); i++) {
                    ids.append(ids.isEmpty() ? "" : ",").append("\"u").append(users[i]).append('"');
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                Channel ch = channel;
                ch.eventLoop().execute(() -> {
                    pendingWatches.add(done);
                    ch.writeAndFlush(new TextWebSocketFrame("{\"type\":\"subscribe\",\"id\":" + (++nextId) + ",\"user_ids\":[" + ids + "]}"));
                });
                parts.add(done);
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
        }

        @Override
        public void publishStatus(String token) {
            // an activity label: ephemeral like an XMPP status text or an MQTT retained message (custom status is durable)
            send("{\"type\":\"set_activity\",\"activity\":\"" + token + "\"}");
        }

        @Override
        public void heartbeat() {
            send("{\"type\":\"heartbeat\"}");
        }

        private void send(String json) {
            Channel ch = channel;
            if (ch != null && !frozen && ch.isActive()) {
                ch.writeAndFlush(new TextWebSocketFrame(json), ch.voidPromise());
            }
        }

        @Override
        public CompletableFuture<Void> close() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Channel ch = channel;
            if (ch == null || !ch.isActive()) {
                done.complete(null);
                return done;
            }
            ch.closeFuture().addListener(f -> done.complete(null));
            ch.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(1000, "bye"));
            return done;
        }

        @Override
        public void kill() {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }

        @Override
        public void freeze() {
            frozen = true;
            Channel ch = channel;
            if (ch != null) {
                // drop whatever still arrives before the WebSocket codec sees it: an answered ping is a sign of life
                ch.eventLoop().execute(() -> {
                    ch.pipeline().addFirst("frozen", new io.netty.channel.ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            io.netty.util.ReferenceCountUtil.release(msg);
                        }
                    });
                    ch.config().setAutoRead(false);
                });
            }
        }

        @Override
        public CompletableFuture<ClientSession> reconnect() {
            return open(resumeToken);
        }

        /** One per connection: it completes only its own connection's welcome, never a later reconnect's. */
        private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
            private final String hello;
            private final CompletableFuture<ClientSession> welcomed;

            Handler(String hello, CompletableFuture<ClientSession> welcomed) {
                this.hello = hello;
                this.welcomed = welcomed;
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                BeaconSockets.onHandshakeEvent(ctx, evt, hello, ch -> channel = ch, welcomed);
                super.userEventTriggered(ctx, evt);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
                long now = System.nanoTime();
                JsonNode m = JSON.readTree(frame.text());
                switch (m.path("type").asText()) {
                    case "presence" -> deliver(m, now);
                    case "presence_snapshot" -> {
                        for (JsonNode p : m.get("presences")) {
                            deliver(p, now);
                        }
                        if (m.has("id")) {
                            CompletableFuture<Void> w = pendingWatches.poll();
                            if (w != null) {
                                w.complete(null);
                            }
                        }
                    }
                    case "welcome" -> {
                        resumeToken = m.get("resume_token").asText();
                        welcomed.complete(Session.this);
                    }
                    case "error" -> {
                        if (!welcomed.isDone()) {
                            welcomed.completeExceptionally(new IllegalStateException(m.toString()));
                        } else if (m.has("id")) {
                            CompletableFuture<Void> w = pendingWatches.poll();
                            if (w != null) {
                                w.completeExceptionally(new IllegalStateException(m.toString()));
                            }
                        }
                    }
                    default -> {
                    }
                }
            }

            private void deliver(JsonNode p, long now) {
                int from = userIndex(p.path("user_id").asText());
                if (from < 0 || from == user) {
                    return;
                }
                JsonNode activity = p.get("activity");
                listener.onPresence(from, !"offline".equals(p.path("status").asText()),
                        activity == null ? null : activity.asText(null), now);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                if (!welcomed.isDone()) {
                    welcomed.completeExceptionally(new IllegalStateException("connection closed before welcome"));
                }
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (!welcomed.isDone()) {
                    welcomed.completeExceptionally(cause);
                }
                ctx.close();
            }
        }
    }
}
