package io.beacon.bench.beacon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beacon.auth.TokenIssuer;
import io.beacon.bench.Progress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The members of the rooms benchmark: Netty WebSocket clients of Beacon's protocol on a shared event
 * loop group (no thread per connection), each in up to a few rooms given by index. Every member counts
 * the room frames and bytes it receives per room, and tracks from the bytes alone when its snapshot
 * came and when the count it is shown reached the room's target; only observers decode diffs, and only
 * while their room's latency is being recorded.
 */
public final class RoomFleet implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IN_FLIGHT = 256;
    private static final int MAX_ERROR_SAMPLES = 5;

    private final EventLoopGroup group;
    private final String host;
    private final int port;
    private final URI uri;
    private final TokenIssuer issuer;
    private final String roomPattern;
    private final String[] rooms;
    private final byte[][] roomBytes;
    private final Recording[] recordings;
    /** Per room: the count at which a member's view has converged ({@code Long.MAX_VALUE}: none yet). */
    private final AtomicLongArray targets;

    private final List<Member> members = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "room-fleet-heartbeats");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> heartbeats;

    /** Error frames received, with the first few of them. */
    public final LongAdder errors = new LongAdder();
    public final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    /** Connections that ended while the fleet was not closing, by close code and reason. */
    public final LongAdder disconnects = new LongAdder();
    public final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
    /** Frames that were neither room frames of a known room nor a welcome or an error. */
    public final LongAdder otherFrames = new LongAdder();
    private volatile boolean closing;

    /**
     * @param roomPattern what the members' tokens allow (a {@code prefix*} pattern)
     * @param rooms       the room ids, by index
     */
    public RoomFleet(EventLoopGroup group, String host, int port, String secret, String roomPattern, String... rooms) {
        this.group = group;
        this.host = host;
        this.port = port;
        this.uri = URI.create("ws://" + host + ":" + port + "/v1/connect");
        this.issuer = new TokenIssuer(secret, System::currentTimeMillis);
        this.roomPattern = roomPattern;
        this.rooms = rooms.clone();
        this.roomBytes = new byte[rooms.length][];
        this.recordings = new Recording[rooms.length];
        this.targets = new AtomicLongArray(rooms.length);
        for (int r = 0; r < rooms.length; r++) {
            roomBytes[r] = rooms[r].getBytes(StandardCharsets.US_ASCII);
            recordings[r] = new Recording();
            targets.set(r, Long.MAX_VALUE);
        }
    }

    public String room(int r) {
        return rooms[r];
    }

    /** A member's view of room {@code r} converges when the count it is shown reaches {@code count}. */
    public void target(int r, long count) {
        targets.set(r, count);
    }

    public Recording recording(int r) {
        return recordings[r];
    }

    // ------------------------------------------------------------------ connecting

    /** Connects users {@code from .. from+count-1} ({@code "u" + index}); returns them in index order. */
    public List<Member> connect(int from, int count, Progress progress, String what) throws Exception {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        Member[] out = new Member[count];
        List<CompletableFuture<Member>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            slots.acquire();
            Member m = new Member(from + i);
            out[i] = m;
            all.add(m.open().orTimeout(60, TimeUnit.SECONDS).whenComplete((x, e) -> slots.release()));
            if ((i + 1) % 500 == 0) {
                progress.update(what + " connecting " + (i + 1) + "/" + count);
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        List<Member> list = List.of(out);
        members.addAll(list);
        return list;
    }

    /** Heartbeats every member once per interval, spread evenly over it (one task, no timer per member). */
    public void startHeartbeats(Duration interval) {
        stopHeartbeats();
        long slices = Math.max(1, interval.toMillis() / 50);
        long[] slice = {0};
        heartbeats = scheduler.scheduleAtFixedRate(() -> {
            List<Member> snapshot;
            synchronized (members) {
                snapshot = new ArrayList<>(members);
            }
            long k = slice[0]++ % slices;
            for (int i = (int) k; i < snapshot.size(); i += (int) slices) {
                snapshot.get(i).send("{\"type\":\"heartbeat\"}");
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    public void stopHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
            heartbeats = null;
        }
    }

    /** Close reasons as {@code "code reason": n}, sorted. */
    public Map<String, Long> closeReasonCounts() {
        Map<String, Long> m = new TreeMap<>();
        closeReasons.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public void close() {
        closing = true;
        stopHeartbeats();
        scheduler.shutdownNow();
        List<Member> snapshot;
        synchronized (members) {
            snapshot = new ArrayList<>(members);
            members.clear();
        }
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Member m : snapshot) {
            Channel ch = m.channel;
            if (ch != null) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                ch.close().addListener(x -> f.complete(null));
                closed.add(f);
            }
        }
        try {
            CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the event loop group's shutdown closes what is left
        }
    }

    // ------------------------------------------------------------------ recording latency

    /**
     * The cursor positions one room's observers received while on: the age of each when its diff
     * arrived (a histogram), and each delivery for working out when every move was seen.
     */
    public static final class Recording {
        private final ConcurrentHistogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
        private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        /** Diffs the observers decoded while on. */
        public final LongAdder decoded = new LongAdder();
        private volatile boolean on;
        private volatile long since;

        /** Records from now on the moves sent from now on. */
        public void start() {
            latency.reset();
            deliveries.clear();
            decoded.reset();
            since = System.nanoTime();
            on = true;
        }

        public void stop() {
            on = false;
        }

        public org.HdrHistogram.Histogram latency() {
            return latency.copy();
        }

        public List<Delivery> deliveries() {
            return new ArrayList<>(deliveries);
        }

        void record(int observer, String userId, long sentNanos, long receivedNanos) {
            if (sentNanos >= since && receivedNanos >= sentNanos) {
                latency.recordValue(receivedNanos - sentNanos);
                deliveries.add(new Delivery(observer, userId, sentNanos, receivedNanos));
            }
        }
    }

    /** Observer {@code observer} received a diff showing {@code userId}'s position sent at {@code sentNanos}. */
    public record Delivery(int observer, String userId, long sentNanos, long receivedNanos) {
    }

    /** What one member saw of one room. Written by the member's event loop only. */
    public static final class View {
        public volatile long joinSentNanos;
        public volatile long snapshotNanos;
        public volatile long convergedNanos;
        public volatile long count = -1;
        public volatile long frames;
        public volatile long bytes;
    }

    // ------------------------------------------------------------------ members

    public final class Member {
        public final int index;
        private final View[] views = new View[rooms.length];
        private final boolean[] observes = new boolean[rooms.length];
        private final AtomicReferenceArray<CompletableFuture<JsonNode>> resyncs = new AtomicReferenceArray<>(rooms.length);
        volatile Channel channel;
        private int nextId;

        Member(int index) {
            this.index = index;
            for (int r = 0; r < views.length; r++) {
                views[r] = new View();
            }
        }

        public String userId() {
            return "u" + index;
        }

        public View view(int r) {
            return views[r];
        }

        /** This member decodes room {@code r}'s diffs while its latency is recorded. Before joining. */
        public void observe(int r) {
            observes[r] = true;
        }

        public boolean observes(int r) {
            return observes[r];
        }

        CompletableFuture<Member> open() {
            CompletableFuture<Member> welcomed = new CompletableFuture<>();
            String token = issuer.issue(userId(), Duration.ofHours(6), List.of(roomPattern), null);
            String hello = "{\"type\":\"hello\",\"token\":\"" + token + "\",\"device\":\"web\",\"protocol\":1}";
            BeaconSockets.connect(group, uri, 4 << 20, false, new Handler(hello, welcomed), welcomed);
            return welcomed;
        }

        /** Joins room {@code r} with this meta (compact JSON, or null); its snapshot comes to {@link #view}. */
        public void join(int r, String meta) {
            views[r].joinSentNanos = System.nanoTime();
            send("{\"type\":\"join\",\"id\":" + nextId() + ",\"room\":\"" + rooms[r] + "\""
                    + (meta == null ? "" : ",\"meta\":" + meta) + "}");
        }

        /**
         * Joins room {@code r} again without meta, which changes nothing and is answered with a fresh
         * snapshot: the window of members in join order, decoded.
         */
        public CompletableFuture<JsonNode> resync(int r) {
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            resyncs.set(r, f);
            send("{\"type\":\"join\",\"id\":" + nextId() + ",\"room\":\"" + rooms[r] + "\"}");
            return f;
        }

        private synchronized int nextId() {
            return ++nextId;
        }

        /** Sets this member's meta in room {@code r} (no ack asked for). */
        public void meta(int r, String meta) {
            send("{\"type\":\"room_meta\",\"room\":\"" + rooms[r] + "\",\"meta\":" + meta + "}");
        }

        void send(String json) {
            Channel ch = channel;
            if (ch != null && ch.isActive()) {
                ch.writeAndFlush(new TextWebSocketFrame(json), ch.voidPromise());
            }
        }

        private final class Handler extends SimpleChannelInboundHandler<WebSocketFrame> {
            private final String hello;
            private final CompletableFuture<Member> welcomed;
            private String closedWith;

            Handler(String hello, CompletableFuture<Member> welcomed) {
                this.hello = hello;
                this.welcomed = welcomed;
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                BeaconSockets.onHandshakeEvent(ctx, evt, hello, ch -> channel = ch, welcomed);
                super.userEventTriggered(ctx, evt);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
                if (frame instanceof TextWebSocketFrame) {
                    text(frame.content(), System.nanoTime());
                } else if (frame instanceof CloseWebSocketFrame c) {
                    closedWith = c.statusCode() + " " + c.reasonText();
                    ctx.close();
                }
            }

            private void text(ByteBuf content, long now) throws IOException {
                int kind = RoomFrames.kind(content);
                if (kind == RoomFrames.DIFF || kind == RoomFrames.SNAPSHOT) {
                    int r = RoomFrames.room(content, roomBytes);
                    if (r < 0) {
                        otherFrames.increment();
                        return;
                    }
                    View v = views[r];
                    v.frames++;
                    v.bytes += content.readableBytes();
                    long count = RoomFrames.lastCount(content);
                    if (count >= 0) {
                        v.count = count;
                        if (v.convergedNanos == 0 && count >= targets.get(r)) {
                            v.convergedNanos = now;
                        }
                    }
                    if (kind == RoomFrames.SNAPSHOT) {
                        if (v.snapshotNanos == 0) {
                            v.snapshotNanos = now;
                        }
                        CompletableFuture<JsonNode> resync = resyncs.getAndSet(r, null);
                        if (resync != null) {
                            resync.complete(JSON.readTree(new ByteBufInputStream(content.duplicate())));
                        }
                    } else {
                        Recording rec = recordings[r];
                        if (observes[r] && rec.on) {
                            JsonNode diff = JSON.readTree(new ByteBufInputStream(content.duplicate()));
                            rec.decoded.increment();
                            RoomFrames.metaTimes(diff, (user, t) -> rec.record(index, user, t, now));
                        }
                    }
                    return;
                }
                switch (kind) {
                    case RoomFrames.WELCOME -> welcomed.complete(Member.this);
                    case RoomFrames.ERROR -> {
                        String text = content.toString(StandardCharsets.UTF_8);
                        errors.increment();
                        if (errorSamples.size() < MAX_ERROR_SAMPLES) {
                            errorSamples.add(userId() + ": " + text);
                        }
                        if (!welcomed.isDone()) {
                            welcomed.completeExceptionally(new IllegalStateException(text));
                        }
                    }
                    default -> otherFrames.increment();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                if (!welcomed.isDone()) {
                    welcomed.completeExceptionally(new IllegalStateException("connection closed before welcome"
                            + (closedWith == null ? "" : ": " + closedWith)));
                }
                if (!closing) {
                    disconnects.increment();
                    closeReasons.computeIfAbsent(closedWith == null ? "no close frame" : closedWith, k -> new LongAdder()).increment();
                }
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (!welcomed.isDone()) {
                    welcomed.completeExceptionally(cause);
                } else if (closedWith == null) {
                    closedWith = "client error: " + cause;
                }
                ctx.close();
            }
        }
    }
}
