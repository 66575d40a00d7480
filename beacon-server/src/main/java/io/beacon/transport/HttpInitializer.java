package io.beacon.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
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
    private final AtomicInteger open = new AtomicInteger();

    public HttpInitializer(Supplier<HttpRouter> routers, int maxBodyBytes, int maxConnections) {
        this.routers = routers;
        this.maxBodyBytes = maxBodyBytes;
        this.maxConnections = maxConnections;
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
        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
        p.addLast("http-aggregator", new HttpObjectAggregator(maxBodyBytes));
        p.addLast("router", routers.get());
    }
}
