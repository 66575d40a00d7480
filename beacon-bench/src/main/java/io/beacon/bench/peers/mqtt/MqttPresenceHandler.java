package io.beacon.bench.peers.mqtt;

import io.beacon.bench.PresenceListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of one MQTT 3.1.1 presence connection, as the last handler of a pipeline behind
 * {@code MqttDecoder} and {@code MqttEncoder}. On activation it sends CONNECT (client id {@code u<i>},
 * clean session, the keepalive, and a retained QoS 1 will {@code offline} on {@code presence/u<i>}); on
 * CONNACK it publishes the retained QoS 1 {@code online:}; {@link #ready()} completes on that PUBACK.
 *
 * <p>Incoming presence PUBLISHes go to the listener on the event loop; messages about oneself are
 * ignored. A message the broker sends because of a new subscription (RETAIN flag set) is a snapshot of
 * the current state, not a new event: it reaches the listener with a {@code null} token, so an old
 * token replayed from the retained store is never timed as a fresh delivery.
 *
 * <p>Every method other than the Netty callbacks must be called on the channel's event loop.
 */
public final class MqttPresenceHandler extends ChannelInboundHandlerAdapter {
    /** How long {@link #logout()} waits for the PUBACK of {@code offline} before sending DISCONNECT anyway. */
    static final long LOGOUT_ACK_TIMEOUT_MS = 5_000;

    private final int user;
    private final int keepAliveSeconds;
    private final MqttQoS subscribeQos;
    private final PresenceListener listener;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final IntObjectHashMap<CompletableFuture<Void>> pending = new IntObjectHashMap<>();
    private ChannelHandlerContext ctx;
    private int nextPacketId = 1;
    private boolean frozen;

    public MqttPresenceHandler(int user, int keepAliveSeconds, MqttQoS subscribeQos, PresenceListener listener) {
        if (user < 0) {
            throw new IllegalArgumentException("user must be >= 0, was " + user);
        }
        this.user = user;
        this.keepAliveSeconds = keepAliveSeconds;
        this.subscribeQos = subscribeQos;
        this.listener = listener;
    }

    /** The CONNECT of user {@code user}: MQTT 3.1.1, clean session, retained QoS 1 will {@code offline}. */
    public static MqttConnectMessage connectMessage(int user, int keepAliveSeconds) {
        return MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .clientId(MqttPresence.clientId(user))
                .cleanSession(true)
                .keepAlive(keepAliveSeconds)
                .willFlag(true)
                .willTopic(MqttPresence.topic(user))
                .willMessage(MqttPresence.offlinePayload())
                .willQoS(MqttQoS.AT_LEAST_ONCE)
                .willRetain(true)
                .build();
    }

    /** A retained QoS 1 PUBLISH of {@code payload} on {@code user}'s presence topic. */
    public static MqttPublishMessage presencePublish(int user, byte[] payload, int packetId) {
        return MqttMessageBuilders.publish()
                .topicName(MqttPresence.topic(user))
                .retained(true)
                .qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(packetId)
                .payload(Unpooled.wrappedBuffer(payload))
                .build();
    }

    /** Completes when the broker has accepted the connection and acknowledged the retained {@code online}. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public int user() {
        return user;
    }

    public boolean frozen() {
        return frozen;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(connectMessage(user, keepAliveSeconds));
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long receivedNanos = System.nanoTime();
        try {
            if (frozen || !(msg instanceof MqttMessage m)) {
                return;
            }
            if (m.decoderResult().isFailure()) {
                fail(new IOException("undecodable MQTT packet from the broker", m.decoderResult().cause()));
                ctx.close();
                return;
            }
            MqttFixedHeader header = m.fixedHeader();
            switch (header.messageType()) {
                case CONNACK -> onConnAck((MqttConnAckMessage) m);
                case PUBLISH -> onPublish((MqttPublishMessage) m, receivedNanos);
                case PUBACK -> complete(((MqttMessageIdVariableHeader) m.variableHeader()).messageId(), null);
                case SUBACK -> onSubAck((MqttSubAckMessage) m);
                default -> {
                    // PINGRESP and anything unexpected: nothing to do
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onConnAck(MqttConnAckMessage m) {
        MqttConnectReturnCode code = m.variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
            fail(new IOException("broker refused u" + user + ": " + code));
            ctx.close();
            return;
        }
        publish(MqttPresence.onlinePayload(null), ready);
    }

    private void onPublish(MqttPublishMessage m, long receivedNanos) {
        MqttQoS qos = m.fixedHeader().qosLevel();
        if (qos == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(m.variableHeader().packetId()).build());
        }
        String topic = m.variableHeader().topicName();
        String payload = m.payload().toString(StandardCharsets.UTF_8);
        MqttPresence.Update u = MqttPresence.parse(topic, payload);
        if (u == null || u.user() == user) {
            return;
        }
        String token = m.fixedHeader().isRetain() ? null : u.token();
        try {
            listener.onPresence(u.user(), u.online(), token, receivedNanos);
        } catch (RuntimeException e) {
            // a listener bug must not look like a network failure (closing would fire the will)
            System.err.println("presence listener of u" + user + " threw: " + e);
        }
    }

    private void onSubAck(MqttSubAckMessage m) {
        int id = m.variableHeader().messageId();
        List<Integer> granted = m.payload().grantedQoSLevels();
        for (int g : granted) {
            if (g >= 0x80) {
                complete(id, new IOException("broker refused a subscription of u" + user + " (return code 0x"
                        + Integer.toHexString(g) + ")"));
                return;
            }
        }
        complete(id, null);
    }

    private void complete(int packetId, Throwable failure) {
        CompletableFuture<Void> f = pending.remove(packetId);
        if (f == null) {
            return;
        }
        if (failure == null) {
            f.complete(null);
        } else {
            f.completeExceptionally(failure);
        }
    }

    private int nextPacketId() {
        while (true) {
            int id = nextPacketId;
            nextPacketId = id == 65_535 ? 1 : id + 1;
            if (!pending.containsKey(id)) {
                return id;
            }
        }
    }

    /** Publishes a retained QoS 1 presence payload; {@code ack}, if not null, completes on its PUBACK. */
    public void publish(byte[] payload, CompletableFuture<Void> ack) {
        if (frozen || !ctx.channel().isActive()) {
            if (ack != null) {
                ack.completeExceptionally(new ClosedChannelException());
            }
            return;
        }
        int id = nextPacketId();
        if (ack != null) {
            pending.put(id, ack);
        }
        ctx.writeAndFlush(presencePublish(user, payload, id));
    }

    /** Subscribes to these topics in one SUBSCRIBE; completes on its SUBACK. */
    public CompletableFuture<Void> subscribe(List<String> topics) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (topics.isEmpty()) {
            done.complete(null);
            return done;
        }
        if (frozen || !ctx.channel().isActive()) {
            done.completeExceptionally(new ClosedChannelException());
            return done;
        }
        int id = nextPacketId();
        pending.put(id, done);
        MqttMessageBuilders.SubscribeBuilder b = MqttMessageBuilders.subscribe().messageId(id);
        for (String t : topics) {
            b.addSubscription(subscribeQos, t);
        }
        ctx.writeAndFlush(b.build());
        return done;
    }

    /** PINGREQ, unless frozen or closed. */
    public void ping() {
        if (!frozen && ctx.channel().isActive()) {
            ctx.writeAndFlush(MqttMessage.PINGREQ);
        }
    }

    /** Stops reading and writing; the socket stays open until the broker's keepalive timeout closes it. */
    public void freeze() {
        frozen = true;
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * Clean logout: publishes the retained {@code offline}, waits for its PUBACK (at most
     * {@value #LOGOUT_ACK_TIMEOUT_MS} ms), sends DISCONNECT (the broker then discards the will) and
     * closes. Completes when the channel is closed.
     */
    public CompletableFuture<Void> logout() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        ctx.channel().closeFuture().addListener(f -> closed.complete(null));
        if (!ctx.channel().isActive()) {
            ctx.close();
            return closed;
        }
        if (frozen) {
            // a frozen client that logs out after all: it comes back to life to do so
            frozen = false;
            ctx.channel().config().setAutoRead(true);
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        publish(MqttPresence.offlinePayload(), acked);
        var timeout = ctx.executor().schedule(() -> acked.complete(null), LOGOUT_ACK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        acked.whenComplete((ok, e) -> {
            timeout.cancel(false);
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(MqttMessage.DISCONNECT).addListener(ChannelFutureListener.CLOSE);
            }
        });
        return closed;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(new ClosedChannelException());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        ready.completeExceptionally(cause);
        if (!pending.isEmpty()) {
            List<CompletableFuture<Void>> all = List.copyOf(pending.values());
            pending.clear();
            for (CompletableFuture<Void> f : all) {
                f.completeExceptionally(cause);
            }
        }
    }
}
