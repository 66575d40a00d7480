package io.beacon.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The pipeline of every accepted connection: HTTP codec, a body limit of {@code max_frame_bytes}, the
 * router; connections over {@code max_connections} are closed at once.
 */
public final class HttpInitializer extends ChannelInitializer<Channel> {
    private final Supplier<HttpRouter> routers;
    private final int maxBodyBytes;
    private final int maxConnections;
    private final long idleTimeoutMs;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param idleTimeoutMs an HTTP connection that sends nothing for this long is closed; removed once it
     *                      becomes a WebSocket or SSE session, whose liveness the engine watches instead
     */
    public HttpInitializer(Supplier<HttpRouter> routers, int maxBodyBytes, int maxConnections, long idleTimeoutMs) {
        this.idleTimeoutMs = idleTimeoutMs;
        this.routers = routers;
        this.maxBodyBytes = maxBodyBytes;
        this.maxConnections = maxConnections;
    }

    static final String IDLE = "http-idle";

    /** Called when the connection becomes a long-lived session. */
    public static void stopIdleTimeout(ChannelPipeline p) {
        if (p.get(IDLE) != null) {
            p.remove(IDLE);
        }
    }

    @Override
    protected void initChannel(Channel ch) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ChannelPipeline p = ch.pipeline();
        p.addLast(IDLE, new ReadTimeoutHandler(idleTimeoutMs, TimeUnit.MILLISECONDS));
        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
        p.addLast("http-aggregator", new JsonErrorAggregator(maxBodyBytes));
        p.addLast("router", routers.get());
    }

    /** Answers a body over the limit with the protocol's {@code too_large} JSON instead of an empty 413. */
    static final class JsonErrorAggregator extends HttpObjectAggregator {
        private final int max;

        JsonErrorAggregator(int maxContentLength) {
            super(maxContentLength);
            this.max = maxContentLength;
        }

        @Override
        protected void handleOversizedMessage(io.netty.channel.ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            // answered without keep-alive: the rest of the body is not read, the connection closes after the answer
            HttpResponses.error(ctx, null, io.beacon.error.BeaconError.tooLarge("request body over " + max + " bytes"));
        }
    }
}
