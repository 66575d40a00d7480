package io.beacon.bench.peers.mqtt;

import io.beacon.bench.ClientDriver;
import io.beacon.bench.ClientSession;
import io.beacon.bench.PresenceListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Opens MQTT 3.1.1 presence sessions ({@link MqttPresenceHandler}) against one broker. All sessions
 * share the event loop group given at construction: no thread per connection. Uses epoll channels when
 * the group is an epoll group, NIO otherwise.
 *
 * <p>Subscriptions are made at QoS 0 by default: presence is published retained at QoS 1 (so the broker
 * stores it and acknowledges it), but delivery to watchers is fire-and-forget over TCP, as Beacon's is.
 */
public final class MqttDriver implements ClientDriver {
    public static final int DEFAULT_TOPICS_PER_SUBSCRIBE = 500;
    /** Largest packet accepted from the broker; presence packets are tens of bytes. */
    public static final int MAX_PACKET_BYTES = 64 * 1024;
    static final int CONNECT_TIMEOUT_MS = 15_000;

    private final Bootstrap bootstrap;
    private final int keepAliveSeconds;
    private final MqttQoS subscribeQos;
    private final int topicsPerSubscribe;

    public MqttDriver(EventLoopGroup group, InetSocketAddress broker, int keepAliveSeconds) {
        this(group, broker, keepAliveSeconds, MqttQoS.AT_MOST_ONCE, DEFAULT_TOPICS_PER_SUBSCRIBE);
    }

    public MqttDriver(EventLoopGroup group, InetSocketAddress broker, int keepAliveSeconds, MqttQoS subscribeQos,
                      int topicsPerSubscribe) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(broker, "broker");
        if (keepAliveSeconds < 1 || keepAliveSeconds > 65_535) {
            throw new IllegalArgumentException("keepAliveSeconds must be in 1..65535, was " + keepAliveSeconds);
        }
        if (topicsPerSubscribe < 1) {
            throw new IllegalArgumentException("topicsPerSubscribe must be >= 1, was " + topicsPerSubscribe);
        }
        this.keepAliveSeconds = keepAliveSeconds;
        this.subscribeQos = Objects.requireNonNull(subscribeQos, "subscribeQos");
        this.topicsPerSubscribe = topicsPerSubscribe;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelClass(group))
                .remoteAddress(broker)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
    }

    /** The socket channel class matching the group's I/O type: epoll or NIO. */
    public static Class<? extends SocketChannel> channelClass(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (Epoll.isAvailable() && io.isIoType(EpollIoHandler.class)) {
                return EpollSocketChannel.class;
            }
            if (io.isIoType(NioIoHandler.class)) {
                return NioSocketChannel.class;
            }
        }
        return NioSocketChannel.class;
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    public MqttQoS subscribeQos() {
        return subscribeQos;
    }

    int topicsPerSubscribe() {
        return topicsPerSubscribe;
    }

    @Override
    public CompletableFuture<ClientSession> connect(int user, PresenceListener listener) {
        Objects.requireNonNull(listener, "listener");
        MqttSession s = new MqttSession(this, user, listener);
        return s.open().thenApply(v -> s);
    }

    /** One open connection: the channel and its presence handler. */
    record Link(Channel channel, MqttPresenceHandler handler) {
    }

    /** Connects, logs in and publishes {@code online}; completes with the link once that is acknowledged. */
    CompletableFuture<Link> open(int user, PresenceListener listener) {
        MqttPresenceHandler handler = new MqttPresenceHandler(user, keepAliveSeconds, subscribeQos, listener);
        CompletableFuture<Link> result = new CompletableFuture<>();
        ChannelFuture cf = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(MAX_PACKET_BYTES));
                ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
                ch.pipeline().addLast("presence", handler);
            }
        }).connect();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            handler.ready().whenComplete((ok, e) -> {
                if (e != null) {
                    cf.channel().close();
                    result.completeExceptionally(e);
                } else {
                    result.complete(new Link(cf.channel(), handler));
                }
            });
        });
        return result;
    }
}
