package io.beacon.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One node of the baseline design ({@link BaselinePresence}): a WebSocket server speaking the subset of
 * Beacon's protocol the load generator uses, so the same clients drive both designs.
 *
 * <ul>
 *   <li>{@code hello} → {@code set_online} → {@code welcome}. The user is the {@code sub} of the token
 *       (read, not verified: that is node CPU, not Redis cost).</li>
 *   <li>{@code heartbeat} → {@code heartbeat()} of the reference: 7 Redis commands and a publish on the
 *       global channel, every time.</li>
 *   <li>{@code subscribe} → local watchers of those users, and {@code get_bulk_presence} →
 *       {@code presence_snapshot}.</li>
 *   <li>{@code set_activity} → the reference's {@code set_status} with the activity changed (notified).</li>
 *   <li>Every node subscribes the one global channel and receives every update (heartbeats too); it
 *       sends a {@code presence} frame to its local watchers of that user when the status or activity
 *       differs from the last one it saw on the channel (so heartbeats are not forwarded to clients).</li>
 *   <li>A closed connection → {@code set_offline}.</li>
 * </ul>
 *
 * {@link #load} drives the heartbeat command sequence directly, without sockets, to find where Redis
 * saturates (what the node does per heartbeat at Redis is exactly the same).
 */
public final class BaselineNode implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

    private final BaselinePresence presence;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final Channel server;
    private final Map<String, Set<Channel>> watchers = new ConcurrentHashMap<>();
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    /** Heartbeats handled (from clients) since the last {@link #stats}, and their time to the end of the publish. */
    private final LongAdder heartbeats = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder updatesReceived = new LongAdder();
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);

    public BaselineNode(String redisUri, int port, long heartbeatTtlSeconds, int ioThreads) throws InterruptedException {
        this.presence = new BaselinePresence(redisUri, heartbeatTtlSeconds);
        presence.subscribe(this::onUpdate).join();
        boolean epoll = Epoll.isAvailable();
        boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(ioThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        server = new ServerBootstrap().group(boss, io)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/v1/connect", null, false, 65536), new Session());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public BaselinePresence presence() {
        return presence;
    }

    /** Client heartbeats handled since the last call, errors, updates received on the channel, and latency. */
    public record Stats(long heartbeats, long errors, long updatesReceived, Histogram latency) {
    }

    public Stats stats() {
        Histogram h = latency.copy();
        latency.reset();
        return new Stats(heartbeats.sumThenReset(), errors.sumThenReset(), updatesReceived.sumThenReset(), h);
    }

    // ------------------------------------------------------------------ the global channel

    private void onUpdate(String json) {
        updatesReceived.increment();
        String user = userOf(json);
        Set<Channel> local = user == null ? null : watchers.get(user);
        if (local == null || local.isEmpty()) {
            return; // nobody here watches that user: the update cost Redis a delivery and this node a look-up
        }
        BaselinePresence.Info p;
        try {
            p = BaselinePresence.Info.fromJson(json);
        } catch (IllegalArgumentException e) {
            errors.increment();
            return;
        }
        String state = p.status + "|" + p.activity;
        if (state.equals(lastSeen.put(p.userId, state))) {
            return; // a heartbeat: nothing a watcher could see changed
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "presence");
        o.put("user_id", p.userId);
        o.put("status", p.status);
        o.put("activity", p.activity);
        o.put("last_seen", p.lastSeen);
        ByteBuf bytes = Unpooled.wrappedBuffer(o.toString().getBytes(StandardCharsets.UTF_8));
        for (Channel c : local) {
            if (c.isActive()) {
                c.writeAndFlush(new TextWebSocketFrame(bytes.retainedDuplicate()), c.voidPromise());
            }
        }
        bytes.release();
    }

    // ------------------------------------------------------------------ one client connection

    private final class Session extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private String user;
        private String device = "web";
        private final List<String> watching = new ArrayList<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            String text = frame.text();
            if (text.equals(HEARTBEAT)) {
                if (user != null) {
                    long t0 = System.nanoTime();
                    presence.heartbeat(user, device).whenComplete((p, e) -> done(t0, e));
                }
                return;
            }
            JsonNode m = JSON.readTree(text);
            Channel ch = ctx.channel();
            switch (m.path("type").asText()) {
                case "hello" -> {
                    user = subject(m.path("token").asText());
                    device = m.path("device").asText("web");
                    presence.setOnline(user, device).whenComplete((p, e) -> {
                        if (e != null) {
                            errors.increment();
                            ch.close();
                            return;
                        }
                        ObjectNode w = JSON.createObjectNode();
                        w.put("type", "welcome");
                        w.put("session_id", UUID.randomUUID().toString());
                        w.put("resume_token", UUID.randomUUID().toString());
                        w.put("user_id", user);
                        ch.writeAndFlush(new TextWebSocketFrame(w.toString()), ch.voidPromise());
                    });
                }
                case "heartbeat" -> {
                    if (user != null) {
                        long t0 = System.nanoTime();
                        presence.heartbeat(user, device).whenComplete((p, e) -> done(t0, e));
                    }
                }
                case "subscribe" -> {
                    List<String> ids = new ArrayList<>();
                    for (JsonNode id : m.path("user_ids")) {
                        ids.add(id.asText());
                    }
                    for (String id : ids) {
                        watchers.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(ch);
                    }
                    ch.eventLoop().execute(() -> watching.addAll(ids));
                    long id = m.path("id").asLong();
                    presence.getBulkPresence(ids).whenComplete((all, e) -> {
                        if (e != null) {
                            errors.increment();
                            return;
                        }
                        ObjectNode s = JSON.createObjectNode();
                        s.put("type", "presence_snapshot");
                        s.put("id", id);
                        ArrayNode list = s.putArray("presences");
                        for (BaselinePresence.Info p : all.values()) {
                            ObjectNode o = list.addObject();
                            o.put("user_id", p.userId);
                            o.put("status", p.status);
                            o.put("activity", p.activity);
                        }
                        ch.writeAndFlush(new TextWebSocketFrame(s.toString()), ch.voidPromise());
                    });
                }
                case "set_activity" -> {
                    if (user != null) {
                        presence.setActivity(user, m.path("activity").asText(null)).whenComplete((p, e) -> {
                            if (e != null) {
                                errors.increment();
                            }
                        });
                    }
                }
                default -> {
                    // not part of the subset
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            for (String id : watching) {
                Set<Channel> s = watchers.get(id);
                if (s != null) {
                    s.remove(ctx.channel());
                }
            }
            if (user != null) {
                presence.setOffline(user).whenComplete((v, e) -> {
                    if (e != null) {
                        errors.increment();
                    }
                });
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.increment();
            ctx.close();
        }
    }

    private void done(long t0, Throwable e) {
        if (e != null) {
            errors.increment();
            return;
        }
        heartbeats.increment();
        latency.recordValue(Math.max(0, System.nanoTime() - t0));
    }

    /** The {@code user_id} of an update as {@link BaselinePresence.Info#json()} writes it (first field), without parsing the rest. */
    static String userOf(String json) {
        String key = "\"user_id\":\"";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        int to = json.indexOf('"', from);
        return to < 0 ? null : json.substring(from, to);
    }

    /** The {@code sub} claim of a JWT (not verified). */
    static String subject(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT");
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String sub = claims.path("sub").asText(null);
            if (sub == null) {
                throw new IllegalArgumentException("the token has no sub");
            }
            return sub;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JWT", e);
        }
    }

    // ------------------------------------------------------------------ synthetic load

    /** What a {@link #load} step did. */
    public record LoadResult(long scheduled, long completed, long skipped, long errors, double seconds, Histogram latency) {
    }

    /**
     * Runs the reference's {@code heartbeat()} for users {@code prefix0 … prefix(users-1)} in turn,
     * {@code rate} per second for {@code seconds} (open loop: each heartbeat has its time; latency counts
     * from that time to the end of its publish, so a Redis that falls behind shows). At most
     * {@code maxInFlight} at once: beyond, a heartbeat is skipped and counted.
     */
    public LoadResult load(int rate, double seconds, String prefix, int users, int maxInFlight) throws InterruptedException {
        ConcurrentHistogram h = new ConcurrentHistogram(3_600_000_000_000L, 3);
        AtomicLong inFlight = new AtomicLong();
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        long interval = Math.max(1, 1_000_000_000L / Math.max(1, rate));
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long next = start;
        long scheduled = 0;
        long skipped = 0;
        int cursor = (int) (Math.random() * users);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            while (next <= now && next < end) {
                long due = next;
                next += interval;
                scheduled++;
                if (inFlight.get() >= maxInFlight) {
                    skipped++;
                    continue;
                }
                inFlight.incrementAndGet();
                String user = prefix + cursor;
                cursor = cursor + 1 == users ? 0 : cursor + 1;
                presence.heartbeat(user, "web").whenComplete((p, e) -> {
                    inFlight.decrementAndGet();
                    if (e != null) {
                        failed.increment();
                    } else {
                        completed.increment();
                        h.recordValue(Math.max(0, System.nanoTime() - due));
                    }
                });
            }
            LockSupport.parkNanos(Math.min(200_000, Math.max(1, next - System.nanoTime())));
        }
        // the stragglers: give them a moment, they count (their latency shows how far behind Redis was)
        long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() > 0 && System.nanoTime() < drain) {
            Thread.sleep(5);
        }
        return new LoadResult(scheduled, completed.sum(), skipped, failed.sum(), seconds, h.copy());
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        presence.close();
    }
}
